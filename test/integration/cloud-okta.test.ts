/**
 * Okta System Log polling against a local server of the documented API (test/support/fake-okta.ts)
 * on REAL Kafka: pagination through `Link: rel="next"`, the rate-limit headers obeyed, and a
 * restart continuing from the checkpoint without loss or repetition.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VigilConfig } from '../../cli/config/schema.js';
import { startStages } from '../../cli/stages.js';
import { withOktaDefaults } from '../../ingest/inputs/okta/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';
import { oktaEvent, startFakeOkta, type FakeOkta } from '../support/fake-okta.js';
import { waitFor } from '../support/wait.js';

const TOKEN = '00abcDEFghiJKLmnoPQRstuVWXyz0123456789ABCD';
let okta: FakeOkta;
let dir: string;
let config: VigilConfig;

beforeAll(async () => {
  okta = await startFakeOkta(TOKEN);
  dir = await mkdtemp(join(tmpdir(), 'vigil-okta-'));
  const t0 = Date.now() - 10 * 60_000;
  // 25 events; the last three share one millisecond (the checkpoint must tell them apart by uuid).
  for (let i = 0; i < 25; i++) {
    const at = new Date(t0 + Math.min(i, 22) * 1000).toISOString();
    okta.add(
      oktaEvent(
        `uuid-${String(i).padStart(3, '0')}`,
        at,
        i % 5 === 0 ? 'user.session.start' : 'user.authentication.sso',
        i % 7 === 0 ? 'FAILURE' : 'SUCCESS',
      ),
    );
  }
  okta.setRateLimit(2, 1500); // two requests per 1.5 s window
  config = testConfig('cloud-okta');
  config.sinks = [];
  config.inputs = [
    withOktaDefaults({ id: 'okta', url: okta.url, token: TOKEN, limit: 10, pollIntervalSeconds: 1, stateFile: join(dir, 'okta.json') }),
  ];
});

afterAll(async () => {
  await okta?.close();
  if (config) await cleanupTest(config);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('okta input on real Kafka', () => {
  it('pages through the log within the rate limit, and a restart continues from the checkpoint', async () => {
    let pipeline = await startStages(config, ['ingest']);
    try {
      const events = await pipeline.bus.read(pipeline.bus.topics.events, { until: (r) => r.length >= 25, timeoutMs: 60_000 });
      const uuids = events.map((r) => (JSON.parse(r.value.toString('utf8')) as { event: { id: string } }).event.id).sort();
      expect(uuids).toEqual(Array.from({ length: 25 }, (_, i) => `uuid-${String(i).padStart(3, '0')}`));
      // Followed the next links, with SSWS auth, and never ran into a 429: it waited for the reset instead.
      expect(okta.requests.some((r) => r.url.includes('after=uuid-009'))).toBe(true);
      expect(okta.requests.every((r) => r.authorization === `SSWS ${TOKEN}`)).toBe(true);
      expect(okta.requests.filter((r) => r.status === 429)).toEqual([]);
      // The second page left X-Rate-Limit-Remaining at 0: the third request waited for X-Rate-Limit-Reset (+1 s margin).
      const at = okta.requests.map((r) => r.at);
      expect((at[2] as number) - (at[1] as number)).toBeGreaterThanOrEqual(1000);
      // The checkpoint moves right after Kafka's ack: the newest millisecond and all three of its uuids.
      const checkpoint = await waitFor('the checkpoint', async () => {
        const cp = JSON.parse(await readFile(join(dir, 'okta.json'), 'utf8')) as { published: string; uuids: string[] };
        return cp.uuids.includes('uuid-024') ? cp : undefined;
      });
      expect(checkpoint.uuids.sort()).toEqual(['uuid-022', 'uuid-023', 'uuid-024']);
    } finally {
      await pipeline.close();
    }

    // Two more events while Vigil is down, one in the checkpoint's millisecond.
    const cp = JSON.parse(await readFile(join(dir, 'okta.json'), 'utf8')) as { published: string };
    okta.add(oktaEvent('uuid-025', cp.published), oktaEvent('uuid-026', new Date(Date.parse(cp.published) + 5).toISOString()));
    pipeline = await startStages(config, ['ingest']);
    try {
      await waitFor('the two new events', async () => (await pipeline.bus.countRecords(pipeline.bus.topics.events)) >= 27, 30_000);
      await new Promise((r) => setTimeout(r, 2500));
      expect(await pipeline.bus.countRecords(pipeline.bus.topics.events)).toBe(27);
      const since = okta.requests.filter((r) => r.url.includes('since=')).pop()?.url ?? '';
      expect(decodeURIComponent(since)).toContain(`since=${cp.published}`);
    } finally {
      await pipeline.close();
    }
  });
});
