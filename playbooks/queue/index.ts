export { createRedisClient, redisConnection, type RedisConnection } from './connection.js';
export { QUEUE_NAME, StepQueue, startStepWorker, stepJobId } from './step-queue.js';
export type { StepAttempt, StepJobData, StepJobSpec, StepProcessor, StepWorker, StepWorkerOptions } from './step-queue.js';
export { RunStore, type RunState, type StepRecord, type StepStatus } from './runs.js';
