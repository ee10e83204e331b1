import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ingestFrame, type FrameContext } from '../frame-to-record.js';
import { unpackValues } from './codec.js';
import { createFramePool, type FramePool } from './pool.js';

const input: FrameContext['input'] = { id: 'pool-test', timezone: 'UTC', keepOriginal: true };
const receivedAt = new Date('2026-12-05T10:00:00.000Z');
let pool: FramePool | undefined;

afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

const lines = [
  '<134>1 2026-12-05T09:59:58.120Z web-1.example.net nginx 2231 ACCESS [meta@32473 seq="1"] GET /a 200',
  '<38>Dec  5 09:59:59 web-2 sshd[4242]: Failed password for invalid user admin from 203.0.113.9 port 50000 ssh2',
  'CEF:0|Acme|NGFW|7.1|deny|Connection denied|7|src=203.0.113.7 dst=10.0.0.1 act=deny',
  '', // empty: a dead letter
  '<999>1 not a syslog line at all', // bad priority: a dead letter
  '<13>1 2026-12-05T09:59:59Z h app - - - ünïcødé ✓',
];

describe('frame workers', () => {
  it('turn frames into the same records and dead letters as the main thread', async () => {
    pool = createFramePool(1, { input });
    const frames = lines.map((l, i) => ({ raw: Buffer.from(l), peer: `10.0.0.${i}` }));
    const results = await pool.run(frames, receivedAt);

    const ctx: FrameContext = { input, receivedAt };
    const here = frames.map((f) => ingestFrame(f, ctx));
    const events = here.flatMap((r) => (r.ok ? [r.record] : []));
    const failures = here.flatMap((r, index) => (r.ok ? [] : [{ index, code: r.letter.code, reason: r.letter.reason }]));

    expect(failures.length).toBeGreaterThan(0);
    expect(results.keys).toEqual(events.map((e) => e.key));
    expect(unpackValues(results).map((v) => v.toString('utf8'))).toEqual(events.map((e) => e.value));
    expect(results.failures).toEqual(failures);
  });

  it('spreads concurrent batches over its workers and answers each', async () => {
    pool = createFramePool(2, { input });
    const batch = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ raw: Buffer.from(`<13>1 - host-${i} app - - - line ${i}`), peer: 'p' }));
    const answers = await Promise.all([40, 1, 300, 7].map((n) => pool!.run(batch(n), receivedAt)));
    expect(answers.map((a) => a.keys.length)).toEqual([40, 1, 300, 7]);
    expect(answers[2]?.keys[299]).toBe('host-299');
  });

  it('fails the batches of a worker that dies, and replaces it', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'vigil-pool-')), 'died');
    const data = { input, marker } as unknown as Parameters<typeof createFramePool>[1];
    pool = createFramePool(1, data, new URL('../../test/support/workers/dies-once.mjs', import.meta.url));
    const frames = [{ raw: Buffer.from('<13>1 - h a - - - x'), peer: 'p' }];
    await expect(pool.run(frames, receivedAt)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    await expect(pool.run(frames, receivedAt)).resolves.toMatchObject({ keys: ['k0'] });
  });

  it('refuses work once closed', async () => {
    pool = createFramePool(1, { input });
    await pool.close();
    await expect(pool.run([{ raw: Buffer.from('x'), peer: 'p' }], receivedAt)).rejects.toThrow(/closed/);
  });
});
