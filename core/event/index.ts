export type { EcsEvent, VigilEnvelope, SyslogLogFields } from './ecs.js';
export { deterministicId } from './event-id.js';
export { getField, setField } from './fields.js';
export { ANALYST_FIELDS, EDIT_SOURCE_FIELDS, EMITTED_STATUS_FIELD, editPending, type EditableSource } from './analyst-edit.js';
