import type { EcsEvent } from '../../core/event/index.js';
import { toOcsf, type OcsfEvent } from './ocsf/index.js';

/**
 * The schemas an event can be shown in (`vigil parse --schema`). Normalizers always produce
 * ECS, and `vigil.events` carries ECS only (rules and the Elasticsearch template read it);
 * another schema is a mapping of the finished ECS event, for views and sinks. One line per schema.
 */
export const OUTPUT_SCHEMAS = {
  ecs: (e: EcsEvent): EcsEvent => e,
  ocsf: (e: EcsEvent): OcsfEvent => toOcsf(e),
} as const;

export type OutputSchema = keyof typeof OUTPUT_SCHEMAS;

export function toSchema(schema: OutputSchema, event: EcsEvent): EcsEvent | OcsfEvent {
  return OUTPUT_SCHEMAS[schema](event);
}
