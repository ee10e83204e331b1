import { describe, expect, it } from 'vitest';
import { RecordTooLargeError } from '../bus/record-size.js';
import type { OutRecord, Publisher } from '../bus/types.js';
import { DEADLETTER_MAX_BYTES, deadLetterRecord, sendDeadLetters, type DeadLetter, type DeadLetterDocument } from './index.js';

const letter = (raw: Buffer | string): DeadLetter => ({
  stage: 'ingest',
  component: 'in',
  code: 'FRAME_TOO_LARGE',
  reason: 'too big',
  raw,
});
const doc = (r: OutRecord) => JSON.parse(String(r.value)) as DeadLetterDocument;

describe('deadLetterRecord', () => {
  it('keeps raw bytes whole when the letter fits', () => {
    const r = deadLetterRecord(letter('a'.repeat(1000)));
    expect(doc(r)).toMatchObject({ reason: 'too big', raw: { encoding: 'utf8', data: 'a'.repeat(1000) } });
  });

  it.each([
    ['text', Buffer.from('é'.repeat(2_000_000))],
    ['control characters (6 bytes each in JSON)', Buffer.alloc(3_000_000, 1)],
    ['binary (base64)', Buffer.from(Array.from({ length: 3_000_000 }, (_, i) => (i * 131) % 256))],
  ])('cuts the raw bytes of %s to fit, and says so in the reason', (_, raw) => {
    const r = deadLetterRecord(letter(raw));
    expect(Buffer.byteLength(String(r.value))).toBeLessThanOrEqual(DEADLETTER_MAX_BYTES);
    const d = doc(r);
    const m = /^too big; raw truncated to (\d+) of (\d+) bytes$/.exec(d.reason);
    expect(m?.[2]).toBe(String(raw.length));
    const kept = Buffer.from(d.raw.data, d.raw.encoding);
    expect(kept.length).toBe(Number(m?.[1]));
    expect(kept.length).toBeGreaterThan(DEADLETTER_MAX_BYTES / 10);
    expect(raw.subarray(0, kept.length).equals(kept)).toBe(true);
  });

  it('does not split a UTF-8 character, so text stays text', () => {
    const d = doc(deadLetterRecord(letter('é'.repeat(1000)), 1000));
    expect(d.raw.encoding).toBe('utf8');
    expect(d.raw.data).toMatch(/^é+$/);
  });
});

describe('sendDeadLetters', () => {
  it('sends again with a sample of the raw bytes when the topic refuses a letter as too large', async () => {
    const sent: OutRecord[][] = [];
    const publisher: Publisher = {
      async send(topic, records) {
        sent.push(records);
        const big = records.filter((r) => Buffer.byteLength(String(r.value)) > 100_000);
        if (big.length > 0)
          throw new RecordTooLargeError(
            topic,
            big.map((record) => ({ record, bytes: 1, reason: 'broker' })),
          );
      },
    };
    await sendDeadLetters(publisher, 'dlq', [letter('small'), letter('x'.repeat(300_000))]);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toHaveLength(1);
    expect(doc(sent[1]![0]!).reason).toMatch(/^too big; raw truncated to \d+ of 300000 bytes$/);
  });
});
