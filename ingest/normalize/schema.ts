import type { EcsEvent } from '../../core/event/index.js';
import { toOcsf, type OcsfEvent } from './ocsf/index.js';

/**
 * The schemas an input can publish, keyed by the config's `outputSchema`. Normalizers always
 * produce ECS; another schema is a mapping of the finished ECS event. One line per schema.
 */
export const OUTPUT_SCHEMAS = {
  ecs: (e: EcsEvent): EcsEvent => e,
  ocsf: (e: EcsEvent): OcsfEvent => toOcsf(e),
} as const;

export type OutputSchema = keyof typeof OUTPUT_SCHEMAS;

export function toSchema(schema: OutputSchema, event: EcsEvent): EcsEvent | OcsfEvent {
  return OUTPUT_SCHEMAS[schema](event);
}
