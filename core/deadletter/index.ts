import type { ErrorCode } from '../errors/index.js';
import { metrics } from '../telemetry/index.js';
import { RecordTooLargeError } from '../bus/record-size.js';
import type { OutRecord, Publisher } from '../bus/types.js';

export type Stage = 'ingest' | 'detect' | 'respond' | 'sink';

/** What went wrong with one record: kept whole on `vigil.deadletter` so nothing disappears. */
export interface DeadLetter {
  stage: Stage;
  /** The component id (input id, rule id, sink id). */
  component: string;
  code: ErrorCode;
  reason: string;
  /** The raw bytes as received; stored as UTF-8 when valid, else base64. */
  raw: Buffer | string;
  /** Where the record came from when it was read from Kafka. */
  origin?: { topic: string; partition: number; offset: string };
  /** The sender's address for network inputs. */
  peer?: string;
}

export interface DeadLetterDocument {
  '@timestamp': string;
  stage: Stage;
  component: string;
  code: ErrorCode;
  reason: string;
  raw: { encoding: 'utf8' | 'base64'; data: string };
  origin?: DeadLetter['origin'];
  peer?: string;
}

function encodeRaw(raw: Buffer | string): DeadLetterDocument['raw'] {
  if (typeof raw === 'string') return { encoding: 'utf8', data: raw };
  const text = raw.toString('utf8');
  // A lossless round trip means the bytes were valid UTF-8.
  return Buffer.from(text, 'utf8').equals(raw) ? { encoding: 'utf8', data: text } : { encoding: 'base64', data: raw.toString('base64') };
}

export function deadLetterDocument(d: DeadLetter, now = new Date()): DeadLetterDocument {
  return {
    '@timestamp': now.toISOString(),
    stage: d.stage,
    component: d.component,
    code: d.code,
    reason: d.reason,
    raw: encodeRaw(d.raw),
    ...(d.origin ? { origin: d.origin } : {}),
    ...(d.peer ? { peer: d.peer } : {}),
  };
}

/**
 * Largest dead-letter value, in bytes: a dead letter must itself fit in Kafka (1 MiB per record by
 * default), whatever the size of the input it keeps. Past it the raw bytes are cut.
 */
export const DEADLETTER_MAX_BYTES = 512 * 1024;
/** The bound for a second try when even a cut dead letter is refused (the topic takes less than Kafka's default). */
const LAST_RESORT_MAX_BYTES = 16 * 1024;
/** A reason is a sentence; one that quotes a whole input is cut to this many characters. */
const MAX_REASON_CHARS = 4096;

/** The first `n` bytes of `raw`, not splitting a UTF-8 character (so valid UTF-8 stays valid). */
function head(raw: Buffer, n: number): Buffer {
  let end = Math.max(0, Math.min(n, raw.length));
  while (end > 0 && end < raw.length && ((raw[end] as number) & 0xc0) === 0x80) end--;
  return raw.subarray(0, end);
}

/** The dead letter as JSON, its raw bytes cut (and the reason saying so) when it would exceed `maxBytes`. */
function serialize(d: DeadLetter, maxBytes: number): string {
  const letter = d.reason.length > MAX_REASON_CHARS ? { ...d, reason: `${d.reason.slice(0, MAX_REASON_CHARS)}…` } : d;
  let value = JSON.stringify(deadLetterDocument(letter));
  let size = Buffer.byteLength(value);
  if (size <= maxBytes) return value;
  const raw = typeof d.raw === 'string' ? Buffer.from(d.raw, 'utf8') : d.raw;
  let keep = raw.length;
  // Escaping (JSON, or base64 for binary) makes a raw byte cost 1 to 6 bytes: shrink in proportion
  // until it fits; a few rounds converge, and an empty raw always fits.
  for (let round = 0; size > maxBytes && keep > 0; round++) {
    keep = round < 6 ? Math.floor(keep * (maxBytes / size) * 0.9) : 0;
    const cut = head(raw, keep);
    value = JSON.stringify(
      deadLetterDocument({ ...letter, raw: cut, reason: `${letter.reason}; raw truncated to ${cut.length} of ${raw.length} bytes` }),
    );
    size = Buffer.byteLength(value);
  }
  return value;
}

export function deadLetterRecord(d: DeadLetter, maxBytes = DEADLETTER_MAX_BYTES): OutRecord {
  return {
    key: d.component,
    value: serialize(d, maxBytes),
    headers: { 'vigil-stage': d.stage, 'vigil-code': d.code },
  };
}

/** Writes dead letters to the (already prefixed) dead-letter topic and counts them. */
export async function sendDeadLetters(publisher: Publisher, topic: string, letters: DeadLetter[]): Promise<void> {
  if (letters.length === 0) return;
  const records = letters.map((d) => deadLetterRecord(d));
  try {
    await publisher.send(topic, records);
  } catch (err) {
    // The dead-letter topic takes less than DEADLETTER_MAX_BYTES: the refused letters go again
    // with a sample of their raw bytes, so that the reason is kept.
    if (!(err instanceof RecordTooLargeError)) throw err;
    const refused = new Set(err.refused.map((r) => r.record));
    const again = letters.filter((_, i) => refused.has(records[i] as OutRecord));
    await publisher.send(
      topic,
      again.map((d) => deadLetterRecord(d, LAST_RESORT_MAX_BYTES)),
    );
  }
  for (const d of letters) metrics.deadLettered.inc({ stage: d.stage, code: d.code });
}
