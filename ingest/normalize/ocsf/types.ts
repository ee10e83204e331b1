import type { EcsEvent, VigilEnvelope } from '../../../core/event/index.js';

/**
 * An OCSF event (schema 1.3) as Vigil emits it: the class attributes, plus Vigil's own `vigil`
 * envelope (id, input, receive time), which every stage downstream relies on. Nested objects as
 * OCSF defines them; times are epoch milliseconds.
 */
export interface OcsfEvent {
  class_uid: number;
  class_name: string;
  category_uid: number;
  category_name: string;
  activity_id: number;
  activity_name?: string;
  type_uid: number;
  type_name?: string;
  time: number;
  severity_id: number;
  severity?: string;
  status_id?: number;
  status?: string;
  status_detail?: string;
  message?: string;
  metadata: {
    version: string;
    product: { name?: string; vendor_name?: string; version?: string };
    uid?: string;
    original_time?: string;
    logged_time?: number;
    log_name?: string;
    event_code?: string;
    [k: string]: unknown;
  };
  raw_data?: string;
  unmapped?: Record<string, unknown>;
  vigil?: VigilEnvelope;
  [attribute: string]: unknown;
}

/** One OCSF class: whether an ECS event belongs to it, and its class-specific attributes. */
export interface OcsfClass {
  class_uid: number;
  class_name: string;
  category_uid: number;
  category_name: string;
  /** The ECS events this class describes (by `event.category`, mostly). */
  matches(ecs: EcsEvent): boolean;
  /** `activity_id` and its name. */
  activity(ecs: EcsEvent): { id: number; name: string };
  /** Class-specific attributes (endpoints, user, process, api, …). */
  attributes(ecs: EcsEvent): Record<string, unknown>;
}
