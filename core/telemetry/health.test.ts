import { describe, expect, it } from 'vitest';
import { EventLoopWatch, HealthChecks } from './health.js';

describe('HealthChecks', () => {
  it('is ok when every check is, and reports each by name', async () => {
    const report = await new HealthChecks(500)
      .add('a', () => ({ ok: true }))
      .add('b', async () => ({ ok: true, details: { n: 1 } }))
      .run();
    expect(report.ok).toBe(true);
    expect(report.checks).toMatchObject({ a: { ok: true }, b: { ok: true, details: { n: 1 } } });
  });

  it('fails with the reason of the failing check', async () => {
    const report = await new HealthChecks(500)
      .add('a', () => ({ ok: true }))
      .add('b', () => ({ ok: false, reason: 'consumer crashed' }))
      .run();
    expect(report.ok).toBe(false);
    expect(report.checks.b).toMatchObject({ ok: false, reason: 'consumer crashed' });
  });

  it('turns a throwing check into a failure whose reason is the error', async () => {
    const report = await new HealthChecks(500)
      .add('redis', async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
      })
      .run();
    expect(report.checks.redis).toMatchObject({ ok: false, reason: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('fails a check that does not answer in time, without waiting for it', async () => {
    const started = Date.now();
    const report = await new HealthChecks(100).add('es', () => new Promise(() => undefined)).run();
    expect(report.checks.es).toMatchObject({ ok: false, reason: 'no answer in 100 ms' });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('EventLoopWatch', () => {
  it('is live while the loop runs freely, and not after it was blocked past the limit', async () => {
    const watch = new EventLoopWatch(200, 60_000);
    try {
      await new Promise((r) => setTimeout(r, 100));
      expect(watch.check().ok).toBe(true);
      const until = Date.now() + 400;
      while (Date.now() < until); // block the event loop
      await new Promise((r) => setTimeout(r, 50));
      const after = watch.check();
      expect(after.ok).toBe(false);
      expect(after.reason).toMatch(/event loop was blocked for \d+ ms \(limit 200 ms\)/);
    } finally {
      watch.stop();
    }
  });
});
