/**
 * Feed refresh on real Redis and a real TAXII server (medallion): lists refreshed on a schedule
 * reach every reader; a broken feed or a TAXII server that is down keeps the last good list,
 * counted as an error.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metrics } from '../core/telemetry/index.js';
import { startMedallion, stixIndicator, type MedallionServer } from '../test/support/medallion.js';
import { counterValue } from '../test/support/metrics.js';
import { waitFor } from '../test/support/wait.js';
import type { IntelFeedConfig } from './config.js';
import { FeedPoller } from './poller.js';
import { IntelReader } from './reader.js';
import { SharedLists } from './shared.js';
import { IntelStore } from './store.js';

const PREFIX = `vigil-test:intel:${process.pid}-${Date.now()}:`;
const dir = mkdtempSync(join(tmpdir(), 'vigil-intel-'));
let redis: Redis;
let taxii: MedallionServer | undefined;

const defaults = { refreshSeconds: 3600, timeoutMs: 5000 } as const;

beforeAll(async () => {
  redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  taxii = await startMedallion([
    { object: stixIndicator(1, "[ipv4-addr:value = '203.0.113.9']"), added: '2026-12-01T00:00:00.000Z' },
    { object: stixIndicator(2, "[domain-name:value = 'c2.evil.example']"), added: '2026-12-02T00:00:00.000Z' },
    { object: stixIndicator(3, "[process:name = 'evil.exe']"), added: '2026-12-03T00:00:00.000Z' },
  ]);
}, 120_000);
afterAll(async () => {
  await taxii?.stop();
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe('feed poller and shared lists', () => {
  it('keeps the TAXII list in force when the server goes down, and counts the failure', async () => {
    const feed: IntelFeedConfig = {
      ...defaults,
      id: 'taxii-feed',
      type: 'taxii',
      url: taxii!.discovery,
      collection: 'blocklist',
      username: taxii!.username,
      password: taxii!.password,
    };
    const shared = new SharedLists(redis, PREFIX);
    const poller = new FeedPoller([feed], shared);
    const store = new IntelStore();
    const reader = new IntelReader(shared, ['taxii-feed'], store);

    expect(await poller.refresh('taxii-feed')).toEqual({ ok: true, indicators: 2, skipped: 1 });
    expect(await reader.check()).toBe(true);
    expect(store.current.match('ip', '203.0.113.9')).toMatchObject({ feed: 'taxii-feed', indicator: { id: stixIndicator(1, '').id } });
    expect(store.current.has('domain', 'C2.Evil.Example.')).toBe(true);

    await taxii!.stop();
    const before = await counterValue(metrics.errors, { kind: 'intel', id: 'taxii-feed', code: 'INTEL_FEED_UNREACHABLE' });
    const down = await poller.refresh('taxii-feed');
    expect(down).toMatchObject({ ok: false, code: 'INTEL_FEED_UNREACHABLE' });
    expect(await counterValue(metrics.errors, { kind: 'intel', id: 'taxii-feed', code: 'INTEL_FEED_UNREACHABLE' })).toBe(before + 1);

    // Another process starting now still gets the last good list.
    const fresh = new IntelStore();
    await new IntelReader(shared, ['taxii-feed'], fresh).check();
    expect(fresh.current.has('ip', '203.0.113.9')).toBe(true);
    expect(await reader.check()).toBe(false);
    expect(store.current.has('ip', '203.0.113.9')).toBe(true);
  }, 60_000);

  it('refreshes a feed on its schedule without a restart, and keeps the last good list when it breaks', async () => {
    const file = join(dir, 'bundle.json');
    const bundle = (ip: string) =>
      JSON.stringify({ type: 'bundle', id: 'bundle--1', objects: [stixIndicator(9, `[ipv4-addr:value = '${ip}']`)] });
    writeFileSync(file, bundle('192.0.2.1'));
    const feed: IntelFeedConfig = { ...defaults, id: 'file-feed', type: 'stix', file, refreshSeconds: 1 };
    const shared = new SharedLists(redis, PREFIX);
    const poller = new FeedPoller([feed], shared);
    const store = new IntelStore();
    const reader = new IntelReader(shared, ['file-feed'], store);
    await poller.start();
    await reader.start(100);
    try {
      await waitFor('the first list', async () => store.current.has('ip', '192.0.2.1'), 10_000, 50);
      writeFileSync(file, bundle('192.0.2.2'));
      await waitFor('the refreshed list', async () => store.current.has('ip', '192.0.2.2'), 10_000, 50);
      expect(store.current.has('ip', '192.0.2.1')).toBe(false);

      const before = await counterValue(metrics.errors, { kind: 'intel', id: 'file-feed', code: 'INTEL_FEED_INVALID' });
      writeFileSync(file, '{"type": "bundle", "objects": [');
      await waitFor(
        'the failed refresh',
        async () => (await counterValue(metrics.errors, { kind: 'intel', id: 'file-feed', code: 'INTEL_FEED_INVALID' })) > before,
        10_000,
        50,
      );
      expect(store.current.has('ip', '192.0.2.2')).toBe(true);
    } finally {
      poller.close();
      reader.close();
    }
  }, 60_000);

  it('keeps the index in force when a stored list cannot be read, and counts it', async () => {
    const shared = new SharedLists(redis, PREFIX);
    const store = new IntelStore();
    const reader = new IntelReader(shared, ['stored-feed'], store);
    await shared.write('stored-feed', [{ type: 'domain', value: 'c2.evil.example', id: 'indicator--7' }]);
    expect(await reader.check()).toBe(true);
    const before = await counterValue(metrics.errors, { kind: 'intel', id: 'reader', code: 'INTEL_FEED_INVALID' });

    await redis.multi().set(`${PREFIX}feed:stored-feed`, '[[4,"half.written.example"').incr(`${PREFIX}version`).exec();
    expect(await reader.check()).toBe(false);
    expect(await counterValue(metrics.errors, { kind: 'intel', id: 'reader', code: 'INTEL_FEED_INVALID' })).toBe(before + 1);
    expect(store.current.match('domain', 'C2.evil.example')?.indicator).toEqual({
      type: 'domain',
      value: 'c2.evil.example',
      id: 'indicator--7',
    });
  });
});
