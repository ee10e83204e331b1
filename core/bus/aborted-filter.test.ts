/**
 * kafkajs's read-committed filter (patched in patches/kafkajs+2.2.4+001+exactly-once.patch). A fetch can start
 * inside several aborted transactions of different producers: with small fetches, or after a
 * takeover, while one instance's open transactions were aborted by another's fence. Unpatched,
 * kafkajs opened one aborted transaction per message, so the first records of the others were
 * handed to the consumer as if committed (the SIGKILL test counted events twice).
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

interface Message {
  offset: string;
  key: Buffer | null;
  isControlRecord?: boolean;
  batchContext: { producerId: string; inTransaction: boolean };
}
type Filter = (input: { messages: Message[]; abortedTransactions: Array<{ producerId: string; firstOffset: string }> }) => Message[];

const filterAborted = createRequire(import.meta.url)('kafkajs/src/consumer/filterAbortedMessages.js') as Filter;

const ABORT = Buffer.from([0, 0, 0, 0]);
const data = (offset: number, producerId: string): Message => ({
  offset: String(offset),
  key: Buffer.from('k'),
  batchContext: { producerId, inTransaction: true },
});
const abortMarker = (offset: number, producerId: string): Message => ({
  offset: String(offset),
  key: ABORT,
  isControlRecord: true,
  batchContext: { producerId, inTransaction: true },
});

/** Offsets of the data records the filter keeps, given the aborted transactions as [producer id, first offset]. */
const keptOffsets = (messages: Message[], aborted: Array<[string, number]>): string[] =>
  filterAborted({ messages, abortedTransactions: aborted.map(([producerId, first]) => ({ producerId, firstOffset: String(first) })) })
    .filter((m) => !m.isControlRecord)
    .map((m) => m.offset);

describe('kafkajs read-committed filter', () => {
  it('drops the records of every aborted transaction open at the first fetched message', () => {
    // Producers 1 and 2 aborted (from offsets 100 and 102); producer 3 committed. The fetch
    // starts at 105, inside both aborted transactions.
    const messages = [data(105, '2'), data(106, '3'), data(107, '1'), abortMarker(108, '1'), abortMarker(109, '2'), data(110, '3')];
    expect(
      keptOffsets(messages, [
        ['1', 100],
        ['2', 102],
      ]),
    ).toEqual(['106', '110']);
  });

  it('opens aborted transactions by first offset, whatever order the broker lists them in', () => {
    // The broker lists a partition's aborted transactions in the order they ended: producer 2's
    // (from 102) ended before producer 1's (from 100). Producer 3 committed.
    const messages = [
      data(100, '1'),
      data(101, '3'),
      data(102, '2'),
      data(103, '1'),
      abortMarker(105, '2'),
      data(106, '3'),
      abortMarker(110, '1'),
    ];
    expect(
      keptOffsets(messages, [
        ['2', 102],
        ['1', 100],
      ]),
    ).toEqual(['101', '106']);
  });

  it('keeps a producer’s records after its abort marker', () => {
    const messages = [data(100, '1'), abortMarker(101, '1'), data(102, '1')];
    expect(keptOffsets(messages, [['1', 100]])).toEqual(['102']);
  });
});
