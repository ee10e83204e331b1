import { hostname as osHostname } from 'node:os';
import type { Bus } from '../../core/bus/index.js';
import { errorMessage } from '../../core/errors/index.js';
import { startSinkRunner, type DeliverFn, type RunningSinkLoop, type Verdict } from '../runner/index.js';
import { runnerSettings } from '../runner/config.js';
import { FACILITIES, SEVERITIES, type SyslogSinkConfig } from './config.js';
import { encodeBody, type BodyOptions } from './encode.js';
import { frame, syslogLine, type Framing, type HeaderOptions } from './framing.js';
import { StreamTransport, UdpTransport, tlsOptions, type SyslogTransport } from './transport.js';

/** How one record becomes the bytes of one message. */
export interface MessageOptions {
  body: BodyOptions;
  header: HeaderOptions;
  framing: Framing | 'none';
  maxMessageBytes: number;
}

/** The encoding, header and framing options a sink's config says. */
export function messageOptions(sink: SyslogSinkConfig): MessageOptions {
  const device = { vendor: sink.deviceVendor, product: sink.deviceProduct, version: sink.deviceVersion };
  return {
    body: { encoding: sink.encoding, cef: device, leef: { ...device, delimiter: sink.leefDelimiter === 'tab' ? '\t' : '^' } },
    header: {
      format: sink.format,
      facility: FACILITIES.indexOf(sink.facility),
      severity: SEVERITIES.indexOf(sink.severity),
      appName: sink.appName,
      hostname: sink.hostname ?? osHostname(),
    },
    framing: sink.protocol === 'udp' ? 'none' : sink.framing,
    maxMessageBytes: sink.maxMessageBytes,
  };
}

/**
 * Encodes every record and writes the batch as one send. A record that cannot be encoded or is
 * larger than `maxMessageBytes` is rejected (dead-lettered with the reason) and the rest still go;
 * a failed send throws, so the runner sends the batch again (syslog has no per-message answer).
 */
export function createSyslogDeliver(transport: SyslogTransport, opts: MessageOptions): DeliverFn {
  return async (batch, { signal }) => {
    const verdicts: Verdict[] = [];
    const frames: Buffer[] = [];
    for (const o of batch) {
      let bytes: Buffer;
      try {
        bytes = frame(syslogLine(o.doc, encodeBody(o.doc, opts.body), opts.header), opts.framing);
      } catch (err) {
        verdicts.push({ outcome: 'reject', reason: `cannot encode as ${opts.body.encoding}: ${errorMessage(err)}` });
        continue;
      }
      if (bytes.length > opts.maxMessageBytes) {
        verdicts.push({ outcome: 'reject', reason: `message of ${bytes.length} bytes is over maxMessageBytes (${opts.maxMessageBytes})` });
        continue;
      }
      frames.push(bytes);
      verdicts.push({ outcome: 'ok' });
    }
    if (frames.length > 0) await transport.send(frames, signal);
    return verdicts;
  };
}

/** The transport a sink's config says. */
export function syslogTransport(sink: SyslogSinkConfig): SyslogTransport {
  if (sink.protocol === 'udp') return new UdpTransport(sink.host, sink.port);
  return new StreamTransport({
    host: sink.host,
    port: sink.port,
    ...(sink.protocol === 'tls' ? { tls: tlsOptions(sink.tls ?? { rejectUnauthorized: true }) } : {}),
    connectTimeoutMs: sink.connectTimeoutMs,
    queueSize: sink.queueSize,
    backoff: { initialMs: 250, maxMs: sink.reconnectMaxMs, factor: 2, jitter: 0.5 },
  });
}

/** The sink's delivery without its consumer loop (the runner's, and `vigil replay --from-archive`'s). */
export async function openSyslogDelivery(sink: SyslogSinkConfig): Promise<{ deliver: DeliverFn; close(): Promise<void> }> {
  const transport = syslogTransport(sink);
  return { deliver: createSyslogDeliver(transport, messageOptions(sink)), close: () => transport.close() };
}

export interface StartSyslogSinkOptions {
  sink: SyslogSinkConfig;
  bus: Bus;
}

/** Runs a syslog sink: its own consumer group, records out as syslog messages. */
export async function startSyslogSink({ sink, bus }: StartSyslogSinkOptions): Promise<RunningSinkLoop> {
  const delivery = await openSyslogDelivery(sink);
  try {
    return await startSinkRunner({
      ...runnerSettings(sink, 'syslog'),
      bus,
      deliver: delivery.deliver,
      onClose: () => delivery.close(),
    });
  } catch (err) {
    await delivery.close();
    throw err;
  }
}
