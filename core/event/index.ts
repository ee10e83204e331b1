export type { EcsEvent, VigilEnvelope, SyslogLogFields } from './ecs.js';
export { deterministicId } from './event-id.js';
export { getField, setField } from './fields.js';
