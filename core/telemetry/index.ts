export { logger, type Logger } from './log.js';
export { metrics, registry, type ComponentKind } from './metrics.js';
export { startOpsServer, type OpsServer } from './ops-server.js';
