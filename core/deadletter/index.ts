import type { ErrorCode } from '../errors/index.js';
import { metrics } from '../telemetry/index.js';
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

export function deadLetterRecord(d: DeadLetter): OutRecord {
  return {
    key: d.component,
    value: JSON.stringify(deadLetterDocument(d)),
    headers: { 'vigil-stage': d.stage, 'vigil-code': d.code },
  };
}

/** Writes dead letters to the (already prefixed) dead-letter topic and counts them. */
export async function sendDeadLetters(publisher: Publisher, topic: string, letters: DeadLetter[]): Promise<void> {
  if (letters.length === 0) return;
  await publisher.send(topic, letters.map(deadLetterRecord));
  for (const d of letters) metrics.deadLettered.inc({ stage: d.stage, code: d.code });
}
