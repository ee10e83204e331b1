export { createRedisClient, redisConnection, type RedisConnection } from './connection.js';
export { QUEUE_NAME, StepQueue, startStepWorker, stepJobId } from './step-queue.js';
export type { StepAttempt, StepJobData, StepJobSpec, StepProcessor, StepWorker, StepWorkerOptions } from './step-queue.js';
export { RUN_STATUSES, RunStore } from './runs.js';
export type { Decision, RunEnd, RunMeta, RunState, RunStatus, StepRecord, StepStatus } from './runs.js';
export { SharedLimits, type RateLimit } from './limits.js';
