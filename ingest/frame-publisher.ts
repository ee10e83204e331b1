import type { OutRecord, Publisher } from '../core/bus/types.js';
import type { SyslogInputConfig } from './inputs/syslog/config.js';
import { sendDeadLetters, type DeadLetter } from '../core/deadletter/index.js';
import { VigilError } from '../core/errors/index.js';
import { metrics } from '../core/telemetry/index.js';
import { frameMarker } from './enrich/frame-marker.js';
import type { FrameGeoip } from './enrich/geoip/frame.js';
import { countFailure } from './enrich/geoip/lookup.js';
import type { FrameIntel } from './enrich/intel/frame.js';
import { frameDeadLetter, ingestFrame, type FrameContext, type IngestFrame } from './frame-to-record.js';
import { isValidTimeZone } from './parsers/index.js';
import { unpackValues } from './workers/codec.js';
import { createFramePool, type FramePool } from './workers/pool.js';

export type { IngestFrame } from './frame-to-record.js';

export interface FramePublisher {
  /**
   * Parses, normalizes and publishes a batch. Resolves once Kafka acknowledged every event and
   * every dead letter of the batch; rejects (acknowledging nothing) when either write failed.
   */
  handle(frames: IngestFrame[]): Promise<void>;
  /** Stops the input's frame workers, if it has any. */
  close(): Promise<void>;
}

export interface FramePublisherOptions {
  /** The input's identity and event options (any input type carrying these can use the pipeline). */
  input: Pick<SyslogInputConfig, 'id' | 'timezone' | 'keepOriginal'>;
  publisher: Publisher;
  /** Full (prefixed) topic name for ECS events. */
  eventsTopic: string;
  /** Full (prefixed) dead-letter topic name. */
  deadletterTopic: string;
  /** Receive-time clock. Default `() => new Date()`. */
  now?: () => Date;
  /** Worker threads that parse and serialize large batches; 0 (the default) does it all here. */
  workers?: number;
  /**
   * GeoIP enrichment of each event as it is built, here and on the workers (each with its own
   * lookup over the databases' shared memory); its records carry a header telling the
   * enrichment publisher (`enrich/publisher.ts`) to skip GeoIP for them.
   */
  geoip?: FrameGeoip | undefined;
  /**
   * Threat-intelligence enrichment of each event as it is built, here and on the workers (each
   * reading the index in force from shared memory, and told of each new one); likewise marked
   * for the enrichment publisher to skip it.
   */
  intel?: FrameIntel | undefined;
}

/** Below this many frames a batch is handled on the main thread: the hop to a worker would cost more. */
const WORKER_MIN_BATCH = 32;

/**
 * The ingest stage's core for one input: frames → ECS events on `eventsTopic`, failures
 * dead-lettered. A frame is a syslog message (RFC 5424 or 3164, with CEF, LEEF or a known
 * vendor's text inside) or a bare CEF/LEEF record.
 */
export function createFramePublisher(opts: FramePublisherOptions): FramePublisher {
  const { input, publisher, eventsTopic, deadletterTopic } = opts;
  const now = opts.now ?? (() => new Date());
  if (!isValidTimeZone(input.timezone)) {
    throw new VigilError('CONFIG_ENUM', `timezone "${input.timezone}" is not an IANA time zone`, {
      location: { path: `inputs.${input.id}.timezone` },
    });
  }
  const labels = { kind: 'input', id: input.id } as const;
  const { geoip, intel } = opts;
  const pool: FramePool | undefined = opts.workers
    ? createFramePool(opts.workers, { input, ...(geoip && { geoip: geoip.databases }), ...(intel && { intel: intel.shared() }) })
    : undefined;
  const stopIntelUpdates = pool && intel ? intel.onChange((index) => pool.updateIntel(index)) : undefined;
  const geoipLabels = { kind: 'enrich', id: 'geoip' } as const;
  const intelLabels = { kind: 'intel', id: 'enrich' } as const;

  /** Frames → event records and dead letters, on this thread. */
  const inline = (frames: IngestFrame[], ctx: FrameContext, events: OutRecord[], letters: DeadLetter[]): void => {
    let added = 0;
    let threats = 0;
    for (const f of frames) {
      const r = ingestFrame(f, ctx);
      if (r.ok) {
        events.push(r.record);
        if (r.geoipAdded) added++;
        if (r.intelAdded) threats++;
      } else letters.push(r.letter);
    }
    if (added > 0) metrics.sent.inc(geoipLabels, added);
    if (threats > 0) metrics.sent.inc(intelLabels, threats);
  };

  /** The same on a worker thread; frames that failed framing never leave this one. */
  const onWorker = async (frames: IngestFrame[], ctx: FrameContext, events: OutRecord[], letters: DeadLetter[]): Promise<void> => {
    const good: IngestFrame[] = [];
    const failedFraming: IngestFrame[] = [];
    for (const f of frames) (f.error ? failedFraming : good).push(f);
    inline(failedFraming, ctx, events, letters);
    const r = await (pool as FramePool).run(good, ctx.receivedAt);
    const values = unpackValues(r);
    const timestamp = ctx.receivedAt.getTime();
    const headers = frameMarker(r.geoip !== undefined, r.intel !== undefined);
    if (headers) r.keys.forEach((key, i) => events.push({ key, value: values[i] as Buffer, timestamp, headers }));
    else r.keys.forEach((key, i) => events.push({ key, value: values[i] as Buffer, timestamp }));
    if (r.geoip) {
      if (r.geoip.added > 0) metrics.sent.inc(geoipLabels, r.geoip.added);
      if (r.geoip.lookupFailures > 0) countFailure(r.geoip.lookupFailures);
    }
    if (r.intel && r.intel.added > 0) metrics.sent.inc(intelLabels, r.intel.added);
    for (const { index, code, reason } of r.failures) letters.push(frameDeadLetter(good[index] as IngestFrame, input.id, code, reason));
  };

  return {
    async handle(frames) {
      if (frames.length === 0) return;
      const stopTimer = metrics.latency.startTimer(labels);
      // One receive time per batch: the server hands frames over within milliseconds of arrival.
      const receivedAt = now();
      const events: OutRecord[] = [];
      const letters: DeadLetter[] = [];
      const ctx: FrameContext = { input, receivedAt, geoip: geoip?.lookup, intel: intel?.store };

      metrics.received.inc(labels, frames.length);
      try {
        if (pool && frames.length >= WORKER_MIN_BATCH) await onWorker(frames, ctx, events, letters);
        else inline(frames, ctx, events, letters);
        for (const l of letters) metrics.errors.inc({ ...labels, code: l.code });
        await Promise.all([
          events.length > 0 ? publisher.send(eventsTopic, events) : Promise.resolve(),
          sendDeadLetters(publisher, deadletterTopic, letters),
        ]);
      } finally {
        stopTimer();
      }
      metrics.sent.inc(labels, events.length);
    },
    async close() {
      stopIntelUpdates?.();
      await pool?.close();
    },
  };
}
