import { describe, expect, it } from 'vitest';
import { RecordTooLargeError } from '../bus/record-size.js';
import type { OutRecord, Publisher } from '../bus/types.js';
import { metrics } from '../telemetry/index.js';
import { counterValue } from '../../test/support/metrics.js';
import type { DeadLetterDocument } from './index.js';
import { deadLetterOversized } from './oversized.js';

/** Refuses event records over 100 bytes as the producer does: the others delivered, the error naming the refused. */
function fakeKafka() {
  const topics = new Map<string, OutRecord[]>();
  const publisher: Publisher = {
    async send(topic, records) {
      const big = topic === 'events' ? records.filter((r) => String(r.value).length > 100) : [];
      topics.set(topic, [...(topics.get(topic) ?? []), ...records.filter((r) => !big.includes(r))]);
      if (big.length > 0)
        throw new RecordTooLargeError(
          topic,
          big.map((record) => ({ record, bytes: 164, reason: 'it exceeds kafka.maxRecordBytes (100)' })),
        );
    },
  };
  return { publisher, read: (t: string) => (topics.get(t) ?? []).map((r) => String(r.value)) };
}

const target = { deadletterTopic: 'dlq', stage: 'ingest', component: 'size-test', kind: 'input' } as const;

describe('deadLetterOversized', () => {
  it('dead-letters the records Kafka refused, with the reason, counts them, and resolves', async () => {
    const k = fakeKafka();
    const before = await counterValue(metrics.errors, { id: 'size-test', code: 'RECORD_TOO_LARGE' });
    await deadLetterOversized(k.publisher, target).send('events', [{ value: 'ok' }, { value: 'x'.repeat(200) }]);
    expect(k.read('events')).toEqual(['ok']);
    const [letter] = k.read('dlq').map((v) => JSON.parse(v) as DeadLetterDocument);
    expect(letter).toMatchObject({
      stage: 'ingest',
      component: 'size-test',
      code: 'RECORD_TOO_LARGE',
      reason: 'record of 164 bytes for events not sent: it exceeds kafka.maxRecordBytes (100)',
      raw: { encoding: 'utf8', data: 'x'.repeat(200) },
    });
    expect(await counterValue(metrics.errors, { id: 'size-test', code: 'RECORD_TOO_LARGE' })).toBe(before + 1);
  });

  it('lets every other failure through: the caller retries those', async () => {
    const down: Publisher = { send: () => Promise.reject(new Error('broker down')) };
    await expect(deadLetterOversized(down, target).send('events', [{ value: 'ok' }])).rejects.toThrow('broker down');
  });
});
