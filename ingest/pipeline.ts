import type { OutRecord, Publisher } from '../core/bus/types.js';
import type { SyslogInputConfig } from '../core/config/types.js';
import { sendDeadLetters, type DeadLetter } from '../core/deadletter/index.js';
import { VigilError, errorMessage, type ErrorCode } from '../core/errors/index.js';
import { metrics } from '../core/telemetry/index.js';
import { normalizeRecord, toSchema } from './normalize/index.js';
import { isValidTimeZone, parseRecord } from './parsers/index.js';

/** A frame from a network input: the bytes of one message, or of one that failed framing. */
export type IngestFrame = { raw: Buffer; peer: string; error?: undefined } | { error: VigilError; raw: Buffer; peer: string };

export interface IngestPipeline {
  /**
   * Parses, normalizes and publishes a batch. Resolves once Kafka acknowledged every event and
   * every dead letter of the batch; rejects (acknowledging nothing) when either write failed.
   */
  handle(frames: IngestFrame[]): Promise<void>;
}

export interface IngestPipelineOptions {
  /** The input's identity and event options (any input type carrying these can use the pipeline). */
  input: Pick<SyslogInputConfig, 'id' | 'timezone' | 'keepOriginal' | 'outputSchema'>;
  publisher: Publisher;
  /** Full (prefixed) topic name for ECS events. */
  eventsTopic: string;
  /** Full (prefixed) dead-letter topic name. */
  deadletterTopic: string;
  /** Receive-time clock. Default `() => new Date()`. */
  now?: () => Date;
}

/**
 * The ingest stage's core for one input: frames → events on `eventsTopic` (ECS, or OCSF mapped
 * from ECS when the input says `outputSchema: ocsf`), failures dead-lettered. A frame is a syslog
 * message (RFC 5424 or 3164, with CEF, LEEF or a known vendor's text inside) or a bare CEF/LEEF
 * record.
 */
export function createIngestPipeline(opts: IngestPipelineOptions): IngestPipeline {
  const { input, publisher, eventsTopic, deadletterTopic } = opts;
  const now = opts.now ?? (() => new Date());
  if (!isValidTimeZone(input.timezone)) {
    throw new VigilError('CONFIG_ENUM', `timezone "${input.timezone}" is not an IANA time zone`, {
      location: { path: `inputs.${input.id}.timezone` },
    });
  }
  const labels = { kind: 'input', id: input.id } as const;
  const schema = input.outputSchema ?? 'ecs';

  return {
    async handle(frames) {
      if (frames.length === 0) return;
      const stopTimer = metrics.latency.startTimer(labels);
      // One receive time per batch: the server hands frames over within milliseconds of arrival.
      const receivedAt = now();
      const events: OutRecord[] = [];
      const letters: DeadLetter[] = [];
      const deadLetter = (code: ErrorCode, reason: string, f: IngestFrame): void => {
        letters.push({ stage: 'ingest', component: input.id, code, reason, raw: f.raw, peer: f.peer });
        metrics.errors.inc({ ...labels, code });
      };

      metrics.received.inc(labels, frames.length);
      for (const f of frames) {
        if (f.error) {
          deadLetter(f.error.code, f.error.message, f);
          continue;
        }
        const parsed = parseRecord(f.raw, { now: receivedAt, timezone: input.timezone, format: 'auto', json: false });
        if (!parsed.ok) {
          const col = parsed.error.location?.column;
          deadLetter(parsed.error.code, col ? `${parsed.error.message} (column ${col})` : parsed.error.message, f);
          continue;
        }
        try {
          const event = normalizeRecord(parsed.record, {
            inputId: input.id,
            peer: f.peer,
            raw: f.raw,
            receivedAt,
            keepOriginal: input.keepOriginal,
            timezone: input.timezone,
          });
          events.push({
            // What is correlated together (one host's lines) lands on one partition, in order.
            key: event.host?.name ?? f.peer,
            value: JSON.stringify(toSchema(schema, event)),
            // Receive time, not event time: retention must not drop a late or mis-dated line at once.
            timestamp: receivedAt.getTime(),
          });
        } catch (err) {
          deadLetter('NORMALIZE_FAILED', errorMessage(err), f);
        }
      }

      try {
        await Promise.all([
          events.length > 0 ? publisher.send(eventsTopic, events) : Promise.resolve(),
          sendDeadLetters(publisher, deadletterTopic, letters),
        ]);
      } finally {
        stopTimer();
      }
      metrics.sent.inc(labels, events.length);
    },
  };
}
