import { VigilError } from '../errors/index.js';
import type { OutRecord } from './types.js';

/** A record as the producer measures it (a tombstone has a null value). */
export type Sized = Pick<OutRecord, 'key' | 'headers'> & { value: OutRecord['value'] | null };

const sizeOf = (v: Buffer | string | null | undefined): number =>
  v == null ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.byteLength;

/** A record's size as Kafka counts it, near enough: key, value and headers plus 64 bytes of framing. */
export function recordBytes(r: Sized): number {
  let size = 64 + sizeOf(r.key) + sizeOf(r.value);
  if (r.headers) for (const k in r.headers) size += k.length + sizeOf(r.headers[k]);
  return size;
}

/** A record Kafka will never take, and why. */
export interface RefusedRecord {
  record: OutRecord;
  /** Its size as `recordBytes` counts it. */
  bytes: number;
  reason: string;
}

/**
 * A send that delivered every record but `refused`: those are too large for Kafka, and sending
 * them again cannot succeed. The caller dead-letters them (see core/deadletter).
 */
export class RecordTooLargeError extends VigilError {
  constructor(
    readonly topic: string,
    readonly refused: RefusedRecord[],
  ) {
    super('RECORD_TOO_LARGE', `${refused.length} record(s) too large for ${topic}; the others were delivered`);
  }
}

/** kafkajs protocol errors carry Kafka's error name as `type`; a retrier may wrap one as `cause`. */
const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);

/** True when the broker refused a produce request for its size (a final answer, not a fault). */
export function isMessageTooLarge(err: unknown): boolean {
  for (let e = err, depth = 0; e !== null && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string' && TOO_LARGE.has(type)) return true;
  }
  return false;
}
