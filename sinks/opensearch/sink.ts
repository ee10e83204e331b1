import type { Bus } from '../../core/bus/index.js';
import { VigilError, errorMessage } from '../../core/errors/index.js';
import { logger, type Logger } from '../../core/telemetry/index.js';
import { startSinkRunner, type DeliverFn, type Outgoing, type RunningSinkLoop, type Verdict } from '../runner/index.js';
import { runnerSettings } from '../runner/config.js';
import { classifyItem, classifyRequestError } from './classify.js';
import { openSearchClient, type OpenSearchTransport } from './client.js';
import type { OpenSearchSinkConfig } from './config.js';
import { bulkBody } from './encode.js';

export interface StartOpenSearchSinkOptions {
  sink: OpenSearchSinkConfig;
  bus: Bus;
  /** Injectable for tests; default a client of `sink.node`. */
  transport?: OpenSearchTransport;
}

/** Bulk-indexes a batch and maps each item's answer onto its record. */
export function createOpenSearchDeliver(opts: {
  transport: Pick<OpenSearchTransport, 'bulk'>;
  naming: Pick<OpenSearchSinkConfig, 'indexPrefix' | 'namespace'>;
}): DeliverFn {
  const send = async (batch: readonly Outgoing[], signal: AbortSignal): Promise<Verdict[]> => {
    let items;
    try {
      items = await opts.transport.bulk(bulkBody(batch, opts.naming), signal);
    } catch (err) {
      const c = classifyRequestError(err);
      if (c.outcome === 'split') {
        // One document made the whole request invalid: alone, it is refused; the others go through.
        if (batch.length === 1) return [{ outcome: 'reject', reason: c.reason }];
        const mid = batch.length >> 1;
        return [...(await send(batch.slice(0, mid), signal)), ...(await send(batch.slice(mid), signal))];
      }
      throw c.outcome === 'fatal' ? new VigilError('SINK_RETRY', `OpenSearch refused the credentials: ${c.reason}`, { cause: err }) : err;
    }
    if (items.length !== batch.length)
      throw new VigilError('SINK_RETRY', `OpenSearch answered ${items.length} items for ${batch.length} documents`);
    return items.map(classifyItem);
  };
  return (batch, { signal }) => send(batch, signal);
}

/** The sink's delivery without its consumer loop, once the node answered as OpenSearch (the runner's, and `vigil replay --from-archive`'s). */
export async function openOpenSearchDelivery(
  sink: OpenSearchSinkConfig,
  transport: OpenSearchTransport = openSearchClient(sink),
  log: Logger = logger('sink', { id: sink.id, type: 'opensearch' }),
): Promise<{ deliver: DeliverFn; close(): Promise<void> }> {
  try {
    let info;
    try {
      info = await transport.info();
    } catch (err) {
      throw new VigilError('SINK_CONFIG', `opensearch sink ${sink.id}: ${sink.node} is unreachable: ${errorMessage(err)}`, {
        location: { path: `sinks[${sink.id}].node` },
        retriable: true,
        cause: err,
      });
    }
    if (info.distribution !== 'opensearch') {
      throw new VigilError(
        'SINK_CONFIG',
        `opensearch sink ${sink.id}: ${sink.node} is not OpenSearch (${info.distribution} ${info.version})`,
        {
          location: { path: `sinks[${sink.id}].node` },
        },
      );
    }
    log.info({ cluster: info.cluster, version: info.version }, 'OpenSearch reachable');
  } catch (err) {
    await transport.close().catch(() => undefined);
    throw err;
  }
  return { deliver: createOpenSearchDeliver({ transport, naming: sink }), close: () => transport.close() };
}

/** The OpenSearch sink on the shared runner: its own consumer group, commit after OpenSearch took each document. */
export async function startOpenSearchSink(opts: StartOpenSearchSinkOptions): Promise<RunningSinkLoop> {
  const { sink } = opts;
  const log = logger('sink', { id: sink.id, type: 'opensearch' });
  const delivery = await openOpenSearchDelivery(sink, opts.transport, log);
  try {
    return await startSinkRunner({
      ...runnerSettings(sink, 'opensearch'),
      bus: opts.bus,
      log,
      deliver: delivery.deliver,
      onClose: () => delivery.close(),
    });
  } catch (err) {
    await delivery.close().catch(() => undefined);
    throw err;
  }
}
