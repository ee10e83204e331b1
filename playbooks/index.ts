/**
 * The public face of playbooks/: the respond stage, the responder it wraps, the loader (for
 * `vigil rules validate`) and the model types.
 */
export { startRespondStage } from './stage.js';
export { startResponder, type Responder, type ResponderOptions } from './responder.js';
export { loadPlaybooks, parsePlaybook, type LoadOptions, type LoadResult } from './load.js';
export type { Playbook, Step, RetryPolicy } from './schema.js';
export { ACTIONS, isActionName, type ActionName } from './actions/registry.js';
export { auditDocument, type AuditAction, type AuditDocument } from './audit.js';
export { runIdOf } from './dispatcher.js';
export { RunControl, statusOf } from './control.js';
