import type { Bus, ConsumerLoop } from '../../core/bus/index.js';
import { sendDeadLetters } from '../../core/deadletter/index.js';
import { DEFAULT_BACKOFF, type BackoffPolicy } from '../../core/retry/index.js';
import { logger, metrics, type Logger } from '../../core/telemetry/index.js';
import { compileRoutes, type RouteConfig } from '../routes/index.js';
import { startStatsPublisher } from '../routes/stats-topic.js';
import { createSinkHandler } from './deliver.js';
import type { Deliverable, DeliverFn, IntakeFn, Outgoing, ReadTopic } from './types.js';

export type {
  Deliverable,
  DeliverContext,
  DeliverFn,
  Intake,
  IntakeFn,
  Outgoing,
  Parsed,
  ReadTopic,
  RoutedBatch,
  Router,
  SinkTopic,
  Verdict,
} from './types.js';
export { callFailure, type CallFailure } from './call-failure.js';
export { createSinkHandler, type BatchHandlerOptions } from './deliver.js';

export interface SinkRunnerOptions<O extends Deliverable = Outgoing> {
  /** The sink's id (from `vigil.yaml`): consumer group `sink-<id>`, metrics label, dead-letter component. */
  id: string;
  /** The sink's YAML `type`, for logs. */
  type: string;
  bus: Bus;
  /** The Vigil topics it reads. */
  topics: readonly ReadTopic[];
  deliver: DeliverFn<O>;
  /** The sink's own reading of a batch, in place of JSON parsing and routes (then give no `routes`). */
  intake?: IntakeFn<O>;
  /** Chunks of one batch delivered at once, for a sink whose chunks are independent. Default 1. */
  concurrency?: number;
  /** Bytes fetched from Kafka per partition, the most one batch holds. Default core/bus's 1 MiB. */
  maxBytesPerPartition?: number;
  /**
   * Batches of one partition delivered at once while the next is fetched (core/bus's
   * `inFlightBatches`; per topic by its full name). Default: one batch at a time, fetched after
   * the last was delivered and committed.
   */
  inFlightBatches?: number | ((topic: string) => number);
  /** Names the sink at the start of every dead-letter reason of a refused record. Default `<id>:`. */
  who?: string;
  /** Records per `deliver` call. Default 500. */
  batchSize?: number;
  /** Retries of a record refused retriably before it is dead-lettered. Default 8. */
  maxRetries?: number;
  /** Backoff between retries (with jitter). Default core/retry's DEFAULT_BACKOFF. */
  backoff?: BackoffPolicy;
  /** Longest one `deliver` call may take before it is aborted and retried. Default 30 s. */
  timeoutMs?: number;
  /** The sink's `routes:` (sinks/routes); none = every record, whole, as route `default`. */
  routes?: readonly RouteConfig[];
  /** How often the route counts go to the `vigil.sink-stats` topic, in ms. Default 60 s; 0 = never. */
  statsIntervalMs?: number;
  /** Called once the consumer stopped (close the client here). */
  onClose?: () => Promise<void>;
  log?: Logger;
}

export interface RunningSinkLoop {
  /** Stops consuming (the batch in progress finishes or is left uncommitted), then runs `onClose`. */
  close(): Promise<void>;
  /** The consumer group id (without the group prefix). */
  readonly groupName: string;
}

/**
 * Runs one sink: its own consumer group over the topics it reads, so that a slow or dead sink
 * only ever holds back its own offsets. Offsets are committed after every record of a batch was
 * delivered or dead-lettered.
 */
export async function startSinkRunner<O extends Deliverable = Outgoing>(opts: SinkRunnerOptions<O>): Promise<RunningSinkLoop> {
  const log = opts.log ?? logger('sink', { id: opts.id, type: opts.type });
  const publisher = await opts.bus.producer();
  const topics = new Map<string, ReadTopic>(opts.topics.map((t) => [opts.bus.topics[t], t]));
  // Compiled before anything starts: a route that does not compile stops the sink at start, naming it.
  const router = compileRoutes(opts.routes, { sink: opts.id });
  const statsEvery = opts.statsIntervalMs ?? 60_000;
  const stats = statsEvery > 0 ? await startStatsPublisher({ bus: opts.bus, stats: router.stats, intervalMs: statsEvery, log }) : undefined;
  const handler = createSinkHandler<O>({
    id: opts.id,
    deliver: opts.deliver,
    ...(opts.intake ? { intake: opts.intake } : {}),
    ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
    ...(opts.who !== undefined ? { who: opts.who } : {}),
    topics,
    batchSize: opts.batchSize ?? 500,
    maxRetries: opts.maxRetries ?? 8,
    backoff: opts.backoff ?? DEFAULT_BACKOFF,
    timeoutMs: opts.timeoutMs ?? 30_000,
    router,
    deadLetter: (letters) => sendDeadLetters(publisher, opts.bus.topics.deadletter, letters),
    log,
  });
  const groupName = `sink-${opts.id}`;
  let loop: ConsumerLoop;
  try {
    loop = await opts.bus.consume(groupName, {
      topics: [...topics.keys()],
      handler,
      component: opts.id,
      ...(opts.maxBytesPerPartition !== undefined ? { maxBytesPerPartition: opts.maxBytesPerPartition } : {}),
      ...(opts.inFlightBatches !== undefined ? { inFlightBatches: opts.inFlightBatches } : {}),
    });
  } catch (err) {
    await stats?.stop().catch(() => undefined);
    throw err;
  }
  metrics.up.set({ kind: 'sink', id: opts.id }, 1);
  log.info({ topics: [...topics.keys()], group: groupName }, 'sink started');
  let closed: Promise<void> | null = null;
  return {
    groupName,
    close() {
      closed ??= (async () => {
        try {
          await loop.stop();
        } finally {
          metrics.up.set({ kind: 'sink', id: opts.id }, 0);
          await stats?.stop();
          await opts.onClose?.();
          log.info('sink stopped');
        }
      })();
      return closed;
    },
  };
}
