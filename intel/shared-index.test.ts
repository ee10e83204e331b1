/** What worker threads are given is the index's own data in shared memory, not a copy, and answers as the index does. */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { FeedList, IntelList } from './model.js';
import { SharedIndicatorIndex, shareIndex } from './shared-index.js';
import { IndicatorIndex } from './store.js';

const NOW = Date.parse('2026-12-07T00:00:00Z');
const SHA1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';

const lists: FeedList[] = [
  {
    feed: 'a',
    indicators: [
      { type: 'ip', value: '203.0.113.9', id: 'indicator--1', description: 'c2' },
      { type: 'ip', value: '2001:db8::7' },
      { type: 'cidr', value: '198.51.100.0/24' },
      { type: 'cidr', value: '198.51.100.128/25', id: 'indicator--narrow' },
      { type: 'cidr', value: '2001:db8:ff::/48', description: '' },
      { type: 'domain', value: 'evil.example' },
      { type: 'domain', value: 'bücher.example', description: 'non-ASCII' },
      { type: 'url', value: 'http://evil.example/x?y=1' },
      { type: 'sha1', value: SHA1 },
      { type: 'email', value: 'boss@evil.example' },
      { type: 'ip', value: '192.0.2.1', validUntil: NOW + 1000 },
      { type: 'ip', value: '192.0.2.2', validUntil: NOW - 1 },
    ],
  },
  {
    feed: 'b',
    indicators: [
      { type: 'ip', value: '192.0.2.1' },
      { type: 'domain', value: 'evil.example', id: 'b-1' },
    ],
  },
];

const PROBES: ReadonlyArray<[IntelList, unknown]> = [
  ['ip', '203.0.113.9'],
  ['ip', '203.0.113.10'],
  ['ip', '::ffff:203.0.113.9'],
  ['ip', '2001:DB8:0:0::7'],
  ['ip', '2001:db8:ff::1'],
  ['ip', '198.51.100.77'],
  ['ip', '198.51.100.200'],
  ['ip', '::ffff:198.51.100.200'],
  ['ip', '192.0.2.1'],
  ['ip', '192.0.2.2'],
  ['ip', 'not an ip'],
  ['ip', 42],
  ['domain', 'EVIL.example.'],
  ['domain', ' evil.example '],
  ['domain', 'BÜCHER.example'],
  ['domain', 'sub.evil.example'],
  ['url', 'HTTP://EVIL.EXAMPLE/x?y=1'],
  ['url', 'http://evil.example/X?y=1'],
  ['hash', SHA1.toUpperCase()],
  ['hash', SHA1.slice(1)],
  ['email', 'Boss@Evil.Example'],
  ['email', 'evil.example'],
  ['domain', 'boss@evil.example'],
];

describe('the index in shared memory', () => {
  const index = IndicatorIndex.build(lists, NOW - 5000);
  const shared = new SharedIndicatorIndex(shareIndex(index));

  it.each(PROBES)('%s %s: the same match as the index', (list, value) => {
    for (const now of [NOW, NOW + 2000]) expect(shared.match(list, value, now)).toEqual(index.match(list, value, now));
  });

  it("is the index's own memory, every array of it shared", () => {
    const data = shareIndex(index);
    expect(data).toBe(index.data); // one copy per process
    expect(shared.size).toBe(index.size);
    const arrays = [data.types, data.feedOf, data.bytes, data.ends, data.flags, data.text, data.v4.keys, data.v4.values];
    for (const t of [data.trie.v4, data.trie.v6]) arrays.push(t.zero, t.one, t.value);
    for (const a of arrays) expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('is read by a worker thread without copying it', async () => {
    const data = shareIndex(index);
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       workerData.text[0] = 12345; // written there, seen here: the same memory
       parentPort.postMessage(workerData.text.buffer instanceof SharedArrayBuffer);`,
      { eval: true, workerData: data },
    );
    const before = data.text[0];
    const shared = await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
    await worker.terminate();
    expect(shared).toBe(true);
    expect(data.text[0]).toBe(12345);
    data.text[0] = before as number;
  });
});
