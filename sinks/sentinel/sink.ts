import type { Bus } from '../../core/bus/index.js';
import { logger, type Logger } from '../../core/telemetry/index.js';
import { startSinkRunner, type DeliverFn, type RunningSinkLoop } from '../runner/index.js';
import { runnerSettings } from '../runner/config.js';
import { TokenCache } from '../runner/token-cache.js';
import { fetchEntraToken, sentinelPoster } from './client.js';
import type { SentinelSinkConfig } from './config.js';
import { createSentinelDeliver } from './deliver.js';

/** The sink's delivery without the consumer loop (the runner's, or `vigil replay --from-archive`). */
export interface SentinelDelivery {
  deliver: DeliverFn;
  tokens: TokenCache;
  close(): void;
}

/**
 * Opens the delivery after one token was obtained: credentials the tenant refuses stop the start
 * with SINK_CONFIG naming the sink and its clientSecret.
 */
export async function openSentinelDelivery(
  sink: SentinelSinkConfig,
  log: Logger = logger('sink', { id: sink.id, type: 'sentinel' }),
): Promise<SentinelDelivery> {
  const tokens = new TokenCache(() => fetchEntraToken(sink));
  await tokens.get();
  return { deliver: createSentinelDeliver(sink, sentinelPoster(sink, tokens), log), tokens, close: () => undefined };
}

export interface StartSentinelSinkOptions {
  sink: SentinelSinkConfig;
  bus: Bus;
}

/** The Sentinel sink on the shared runner: its own consumer group, commit after the API's 204. */
export async function startSentinelSink(opts: StartSentinelSinkOptions): Promise<RunningSinkLoop> {
  const { sink } = opts;
  const log = logger('sink', { id: sink.id, type: 'sentinel' });
  const delivery = await openSentinelDelivery(sink, log);
  return startSinkRunner({
    ...runnerSettings(sink, 'sentinel'),
    bus: opts.bus,
    deliver: delivery.deliver,
    log,
    onClose: async () => delivery.close(),
  });
}
