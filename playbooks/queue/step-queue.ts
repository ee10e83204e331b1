import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { isVigilError } from '../../core/errors/index.js';
import type { Backoff } from '../schema.js';

/**
 * Our wrapper over BullMQ: one queue of playbook steps per Vigil instance, at
 * `<prefix>:playbook-steps` in Redis. Nothing else in Vigil imports bullmq.
 */
export const QUEUE_NAME = 'playbook-steps';

/** Completed and failed jobs are kept this long, so that a re-delivered incident finds them. */
const KEEP_JOBS_SECONDS = 7 * 24 * 3600;
/** Part of a backoff delay drawn at random, so that retries of many runs do not arrive together. */
const BACKOFF_JITTER = 0.2;

/** What a step job carries; the incident and earlier results live in the run state, not here. */
export interface StepJobData {
  runId: string;
  playbookId: string;
  step: string;
}

export interface StepJobSpec {
  data: StepJobData;
  attempts: number;
  backoff: Backoff;
  delayMs: number;
}

/** One attempt of a step job, as the processor sees it. */
export interface StepAttempt {
  data: StepJobData;
  /** 1-based. */
  attempt: number;
  maxAttempts: number;
}

/**
 * Runs one attempt. Throwing a non-retriable VigilError fails the job at once; any other error
 * is retried while attempts remain.
 */
export type StepProcessor = (job: StepAttempt) => Promise<void>;

/**
 * The job id of a step of a run. Deterministic, so that enqueueing a step twice (a re-delivered
 * incident, two steps finishing together) adds it once. BullMQ refuses custom ids holding ":"
 * (unless in exactly three parts, its legacy repeat-job form), so the separator is ".": run
 * ids are base64url and refs are `[A-Za-z0-9_]`, neither holds one.
 */
export function stepJobId(runId: string, step: string): string {
  return `${runId}.${step}`;
}

export class StepQueue {
  private readonly queue: Queue<StepJobData>;

  /** `connection` is shared (not closed by the queue); `prefix` is the Redis key prefix. */
  constructor(connection: Redis, prefix: string) {
    this.queue = new Queue<StepJobData>(QUEUE_NAME, { connection, prefix });
  }

  async ready(): Promise<void> {
    await this.queue.waitUntilReady();
  }

  /** Adds the steps; resolves once Redis stored them. Steps already queued (same job id) are left as they are. */
  async enqueue(specs: readonly StepJobSpec[]): Promise<void> {
    if (specs.length === 0) return;
    await this.queue.addBulk(
      specs.map((s) => ({
        name: s.data.step,
        data: s.data,
        opts: {
          jobId: stepJobId(s.data.runId, s.data.step),
          attempts: s.attempts,
          backoff: { type: s.backoff, delay: s.delayMs, jitter: BACKOFF_JITTER },
          removeOnComplete: { age: KEEP_JOBS_SECONDS },
          removeOnFail: { age: KEEP_JOBS_SECONDS },
        },
      })),
    );
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

export interface StepWorkerOptions {
  /** A dedicated client; BullMQ duplicates it for its blocking connection. Not closed by the worker. */
  connection: Redis;
  prefix: string;
  /** Jobs processed at once. */
  concurrency: number;
  processor: StepProcessor;
  /** Connection and internal errors of the worker (job failures are the processor's business). */
  onError: (err: Error) => void;
}

export interface StepWorker {
  ready(): Promise<void>;
  /** Stops taking jobs and waits for the running ones to finish. */
  close(): Promise<void>;
}

export function startStepWorker(opts: StepWorkerOptions): StepWorker {
  const worker = new Worker<StepJobData>(
    QUEUE_NAME,
    async (job: Job<StepJobData>) => {
      try {
        await opts.processor({ data: job.data, attempt: job.attemptsMade + 1, maxAttempts: job.opts.attempts ?? 1 });
      } catch (err) {
        // BullMQ retries any error while attempts remain; a permanent one must say so.
        if (isVigilError(err) && !err.retriable) throw new UnrecoverableError(err.describe());
        throw err;
      }
    },
    { connection: opts.connection, prefix: opts.prefix, concurrency: opts.concurrency },
  );
  worker.on('error', opts.onError);
  return {
    ready: () => worker.waitUntilReady().then(() => undefined),
    close: () => worker.close(),
  };
}
