import type { Bus } from '../../core/bus/index.js';
import { logger, type Logger } from '../../core/telemetry/index.js';
import { startSinkRunner, type DeliverFn, type RunningSinkLoop } from '../runner/index.js';
import { runnerSettings } from '../runner/config.js';
import { TokenCache } from '../runner/token-cache.js';
import { secopsPoster } from './client.js';
import type { SecopsSinkConfig } from './config.js';
import { createSecopsDeliver } from './deliver.js';
import { fetchServiceAccountToken, readServiceAccountKey } from './service-account.js';

/** The sink's delivery without the consumer loop (the runner's, or `vigil replay --from-archive`). */
export interface SecopsDelivery {
  deliver: DeliverFn;
  tokens: TokenCache;
  close(): void;
}

/**
 * Reads the key file and obtains one token before anything is read: a key that does not parse or
 * that the token URI refuses stops the start with SINK_CONFIG naming the sink.
 */
export async function openSecopsDelivery(
  sink: SecopsSinkConfig,
  log: Logger = logger('sink', { id: sink.id, type: 'secops' }),
): Promise<SecopsDelivery> {
  const key = readServiceAccountKey(sink.credentialsFile, sink.id);
  const tokens = new TokenCache(() =>
    fetchServiceAccountToken(key, { scope: sink.scope, sinkId: sink.id, ...(sink.tokenUri ? { tokenUri: sink.tokenUri } : {}) }),
  );
  await tokens.get();
  return { deliver: createSecopsDeliver(sink, secopsPoster(sink, tokens), log), tokens, close: () => undefined };
}

export interface StartSecopsSinkOptions {
  sink: SecopsSinkConfig;
  bus: Bus;
}

/** The SecOps sink on the shared runner: its own consumer group, commit after the import succeeded. */
export async function startSecopsSink(opts: StartSecopsSinkOptions): Promise<RunningSinkLoop> {
  const { sink } = opts;
  const log = logger('sink', { id: sink.id, type: 'secops' });
  const delivery = await openSecopsDelivery(sink, log);
  return startSinkRunner({
    ...runnerSettings(sink, 'secops'),
    bus: opts.bus,
    deliver: delivery.deliver,
    log,
    onClose: async () => delivery.close(),
  });
}
