import { randomUUID } from 'node:crypto';
import type { Bus } from '../../core/bus/index.js';
import { VigilError } from '../../core/errors/index.js';
import { logger, type Logger } from '../../core/telemetry/index.js';
import { startSinkRunner, type DeliverFn, type RunningSinkLoop } from '../runner/index.js';
import { runnerSettings } from '../runner/config.js';
import { AckPoller } from './acks.js';
import { hecClient, type HecTransport } from './client.js';
import { classifyHecResponse, classifyTransportError } from './classify.js';
import type { SplunkHecSinkConfig } from './config.js';
import { createHecDeliver } from './deliver.js';

export interface StartSplunkHecSinkOptions {
  sink: SplunkHecSinkConfig;
  bus: Bus;
  /** Injectable for tests; default a keep-alive client of `sink.url`. */
  transport?: HecTransport;
}

/**
 * Whether the collector takes the token, before any record is read: an empty request is refused
 * with 400 "No data" (code 5) when the token is good and 401/403 when it is not, and indexes nothing.
 */
async function probe(sink: SplunkHecSinkConfig, transport: HecTransport, channel: string): Promise<void> {
  let v;
  try {
    v = classifyHecResponse(await transport.sendEvents('', channel));
  } catch (err) {
    v = classifyTransportError(err);
  }
  if (v.outcome === 'fatal') {
    throw new VigilError('SINK_CONFIG', `splunk-hec sink ${sink.id}: ${v.reason}`, { location: { path: `sinks[${sink.id}].token` } });
  }
  if (v.outcome === 'retry') {
    throw new VigilError('SINK_CONFIG', `splunk-hec sink ${sink.id}: the collector at ${sink.url} is unreachable: ${v.reason}`, {
      location: { path: `sinks[${sink.id}].url` },
      retriable: true,
    });
  }
}

/**
 * The sink's delivery without its consumer loop (the runner's, and `vigil replay --from-archive`'s),
 * once the collector took the token.
 */
export async function openSplunkHecDelivery(
  sink: SplunkHecSinkConfig,
  transport?: HecTransport,
  log: Logger = logger('sink', { id: sink.id, type: 'splunk-hec' }),
): Promise<{ deliver: DeliverFn; close(): void }> {
  const t =
    transport ??
    hecClient({
      url: sink.url,
      token: sink.token,
      gzip: sink.gzip,
      timeoutMs: sink.requestTimeoutSeconds * 1000,
      rejectUnauthorized: sink.rejectUnauthorized,
      maxSockets: sink.concurrency + sink.channels,
    });
  // Fresh channels per start: ackIds belong to a channel, and a restarted sink resends what it had not seen acknowledged.
  const channels = Array.from({ length: sink.channels }, () => randomUUID());
  const ackTimeoutMs = sink.ackTimeoutSeconds * 1000;
  const acks = sink.ack
    ? new AckPoller({
        query: (ids, channel) => t.queryAcks(ids, channel),
        pollMs: sink.ackPollMs,
        timeoutMs: ackTimeoutMs,
        onPollError: (reason) => log.warn({ reason }, 'acknowledgement poll failed; polling again'),
      })
    : null;
  const close = () => {
    acks?.close();
    t.close();
  };
  try {
    await probe(sink, t, channels[0] as string);
  } catch (err) {
    close();
    throw err;
  }
  const deliver = createHecDeliver({
    id: sink.id,
    transport: t,
    acks,
    channels,
    batchMaxEvents: sink.batchMaxEvents,
    batchMaxBytes: sink.batchMaxBytes,
    concurrency: sink.concurrency,
    metadata: {
      ...(sink.index !== undefined ? { index: sink.index } : {}),
      ...(sink.sourcetype !== undefined ? { sourcetype: sink.sourcetype } : {}),
      ...(sink.source !== undefined ? { source: sink.source } : {}),
      ...(sink.host !== undefined ? { host: sink.host } : {}),
    },
    // Expired acknowledgements are resent within the call while the runner's timeout leaves room for another wait.
    maxResends: Math.max(0, Math.floor(sink.timeoutMs / ackTimeoutMs) - 1),
    log,
  });
  return { deliver, close };
}

/** The Splunk HEC sink on the shared runner: its own consumer group, commit after acknowledgement. */
export async function startSplunkHecSink(opts: StartSplunkHecSinkOptions): Promise<RunningSinkLoop> {
  const { sink } = opts;
  const log = logger('sink', { id: sink.id, type: 'splunk-hec' });
  const delivery = await openSplunkHecDelivery(sink, opts.transport, log);
  try {
    return await startSinkRunner({
      ...runnerSettings(sink, 'splunk-hec'),
      // HEC requests are independent (Splunk orders by time, not by arrival): several chunks of a
      // batch wait for their acknowledgements at once, while `concurrency` bounds the POSTs.
      concurrency: sink.concurrency,
      bus: opts.bus,
      log,
      deliver: delivery.deliver,
      onClose: async () => delivery.close(),
    });
  } catch (err) {
    delivery.close();
    throw err;
  }
}
