export { logger, loggerFactory, type Logger, type LoggerFactory } from './log.js';
export { REDACTED, isSensitiveKey, redactSensitiveKeys } from './redact.js';
export { metrics, registry, type ComponentKind } from './metrics.js';
export { startOpsServer, type OpsProbes, type OpsServer } from './ops-server.js';
export { EventLoopWatch, HealthChecks, type Check, type CheckResult, type HealthReport } from './health.js';
