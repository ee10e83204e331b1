import type { OutRecord, Publisher } from '../core/bus/types.js';
import type { SyslogInputConfig } from '../core/config/types.js';
import { sendDeadLetters, type DeadLetter } from '../core/deadletter/index.js';
import { VigilError } from '../core/errors/index.js';
import { metrics } from '../core/telemetry/index.js';
import { ingestFrame, type FrameContext, type IngestFrame } from './frame.js';
import { isValidTimeZone } from './parsers/index.js';

export type { IngestFrame } from './frame.js';

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

  return {
    async handle(frames) {
      if (frames.length === 0) return;
      const stopTimer = metrics.latency.startTimer(labels);
      // One receive time per batch: the server hands frames over within milliseconds of arrival.
      const receivedAt = now();
      const events: OutRecord[] = [];
      const letters: DeadLetter[] = [];
      const ctx: FrameContext = { input, receivedAt };

      metrics.received.inc(labels, frames.length);
      for (const f of frames) {
        const r = ingestFrame(f, ctx);
        if (r.ok) {
          events.push(r.record);
        } else {
          letters.push(r.letter);
          metrics.errors.inc({ ...labels, code: r.letter.code });
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
