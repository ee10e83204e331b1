import type { OutRecord, Publisher } from '../../../core/bus/types.js';
import { sendDeadLetters, type DeadLetter } from '../../../core/deadletter/index.js';
import type { ErrorCode } from '../../../core/errors/index.js';
import type { EcsEvent } from '../../../core/event/index.js';
import { metrics } from '../../../core/telemetry/index.js';
import type { RecordResult } from './records.js';

/** Where an input writes: the publisher (acks=all) and the full topic names. */
export interface EmitTarget {
  publisher: Publisher;
  eventsTopic: string;
  deadletterTopic: string;
}

/**
 * Kafka's default `message.max.bytes` is 1 MiB (1048588); an event near it would make the whole
 * batch fail on every retry. Larger events are sent without `event.original`, and if still too
 * large, dead-lettered with the first bytes of the record.
 */
export const MAX_EVENT_BYTES = 1_000_000;
const DEADLETTER_SAMPLE_BYTES = 64 * 1024;

/** The partition key: what is correlated together (one host, one user) lands on one partition, in order. */
export function eventKey(e: EcsEvent, fallback: string): string {
  return e.host?.name ?? e.user?.name ?? e.source?.ip ?? fallback;
}

/**
 * One batch of an input: the events and the failures of the records it received. `emit`
 * publishes both and resolves once Kafka acknowledged every record of both; only then may the
 * input acknowledge its sender (Firehose 200, Pub/Sub 2xx, SQS delete, offset commit, checkpoint).
 */
export class Batch {
  readonly events: OutRecord[] = [];
  readonly letters: DeadLetter[] = [];
  received = 0;

  constructor(
    readonly inputId: string,
    readonly peer?: string,
  ) {}

  add(results: readonly RecordResult[]): this {
    for (const r of results) {
      if (r.ok) this.addEvent(r.event);
      else this.fail(r.code, r.reason, r.raw);
    }
    return this;
  }

  addEvent(event: EcsEvent): void {
    this.received++;
    let value = JSON.stringify(event);
    if (Buffer.byteLength(value) > MAX_EVENT_BYTES && event.event?.original !== undefined) {
      const { original: _original, ...rest } = event.event;
      value = JSON.stringify({ ...event, event: rest });
    }
    const bytes = Buffer.byteLength(value);
    if (bytes > MAX_EVENT_BYTES) {
      const raw = event.event?.original ?? value;
      this.letter('FRAME_TOO_LARGE', `event of ${bytes} bytes exceeds ${MAX_EVENT_BYTES}`, raw.slice(0, DEADLETTER_SAMPLE_BYTES));
      return;
    }
    const receivedAt = Date.parse(event.vigil?.received_at ?? '');
    this.events.push({ key: eventKey(event, this.inputId), value, timestamp: Number.isNaN(receivedAt) ? Date.now() : receivedAt });
  }

  /** A record that could not become an event: dead-lettered with its raw bytes (base64 when binary). */
  fail(code: ErrorCode, reason: string, raw: Buffer | string): void {
    this.received++;
    this.letter(code, reason, raw);
  }

  private letter(code: ErrorCode, reason: string, raw: Buffer | string): void {
    this.letters.push({ stage: 'ingest', component: this.inputId, code, reason, raw, ...(this.peer ? { peer: this.peer } : {}) });
  }

  get size(): number {
    return this.events.length + this.letters.length;
  }
}

/** Publishes a batch (events and dead letters together) and counts it. Rejects, acknowledging nothing, when either write failed. */
export async function emit(target: EmitTarget, batch: Batch): Promise<void> {
  const labels = { kind: 'input', id: batch.inputId } as const;
  if (batch.size === 0) return;
  const stop = metrics.latency.startTimer(labels);
  try {
    await Promise.all([
      batch.events.length > 0 ? target.publisher.send(target.eventsTopic, batch.events) : Promise.resolve(),
      sendDeadLetters(target.publisher, target.deadletterTopic, batch.letters),
    ]);
  } finally {
    stop();
  }
  metrics.received.inc(labels, batch.received);
  metrics.sent.inc(labels, batch.events.length);
  for (const l of batch.letters) metrics.errors.inc({ ...labels, code: l.code });
}
