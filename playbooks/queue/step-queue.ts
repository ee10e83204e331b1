import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
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
/** Defaults of BullMQ's stall detection: a job whose worker stopped renewing its lock this long is run again. */
const DEFAULT_LOCK_MS = 30_000;
/** Times a job may be found stalled (its worker died) before BullMQ fails it; each is a crash mid-step. */
const MAX_STALLED = 10;

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
  /** Part of each backoff delay drawn at random, 0 to 1. */
  jitter: number;
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
 * is retried while attempts remain. Returning `{recheckAt}` puts the job aside until then (a
 * wait or an approval that polls) without using an attempt.
 */
export type StepProcessor = (job: StepAttempt) => Promise<void | { recheckAt: number }>;

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
          backoff: { type: s.backoff, delay: s.delayMs, jitter: s.jitter },
          removeOnComplete: { age: KEEP_JOBS_SECONDS },
          removeOnFail: { age: KEEP_JOBS_SECONDS },
        },
      })),
    );
  }

  /** Runs a put-aside job now (an approval was decided); false when it is not waiting. */
  async wake(runId: string, step: string): Promise<boolean> {
    const job = await this.queue.getJob(stepJobId(runId, step));
    if (!job || !(await job.isDelayed())) return false;
    try {
      await job.promote();
      return true;
    } catch {
      return false; // it became active meanwhile: it reads the decision itself
    }
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
  /**
   * How long a job's lock lasts without renewal: a worker that dies mid-step has its job run
   * again after about this long. Default 30s.
   */
  lockMs?: number;
}

export interface StepWorker {
  ready(): Promise<void>;
  /** Stops taking jobs and waits for the running ones to finish. */
  close(): Promise<void>;
}

export function startStepWorker(opts: StepWorkerOptions): StepWorker {
  const worker = new Worker<StepJobData>(
    QUEUE_NAME,
    async (job: Job<StepJobData>, token?: string) => {
      let next: void | { recheckAt: number };
      try {
        next = await opts.processor({ data: job.data, attempt: job.attemptsMade + 1, maxAttempts: job.opts.attempts ?? 1 });
      } catch (err) {
        // BullMQ retries any error while attempts remain; a permanent one must say so.
        if (isVigilError(err) && !err.retriable) throw new UnrecoverableError(err.describe());
        throw err;
      }
      if (next) {
        await job.moveToDelayed(next.recheckAt, token);
        throw new DelayedError();
      }
    },
    {
      connection: opts.connection,
      prefix: opts.prefix,
      concurrency: opts.concurrency,
      lockDuration: opts.lockMs ?? DEFAULT_LOCK_MS,
      stalledInterval: opts.lockMs ?? DEFAULT_LOCK_MS,
      maxStalledCount: MAX_STALLED,
    },
  );
  worker.on('error', opts.onError);
  return {
    ready: () => worker.waitUntilReady().then(() => undefined),
    close: () => worker.close(),
  };
}
