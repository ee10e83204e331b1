import { afterEach, describe, expect, it } from 'vitest';
import type { HealthReport } from './health.js';
import { startOpsServer, type OpsServer } from './ops-server.js';

const ready: HealthReport = { ok: true, checks: { kafka: { ok: true, ms: 1 } } };
const notReady: HealthReport = { ok: false, checks: { consumers: { ok: false, reason: 'consumer group g is crashed', ms: 0 } } };

let server: OpsServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function get(path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${server!.port}${path}`);
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
}

describe('ops server', () => {
  it('answers /health/ready and /health with 200 and the checks while ready', async () => {
    server = await startOpsServer('127.0.0.1', 0, { ready: () => ready });
    for (const path of ['/health/ready', '/health', '/health?verbose']) {
      expect(await get(path)).toEqual({ status: 200, body: { status: 'ok', ...ready } });
    }
  });

  it('answers 503 naming the failing check while not ready', async () => {
    server = await startOpsServer('127.0.0.1', 0, { ready: async () => notReady });
    expect(await get('/health/ready')).toEqual({ status: 503, body: { status: 'failing', ...notReady } });
    expect((await get('/health')).status).toBe(503);
  });

  it('answers 503 when the readiness probe itself throws', async () => {
    server = await startOpsServer('127.0.0.1', 0, {
      ready: () => {
        throw new Error('boom');
      },
    });
    expect(await get('/health/ready')).toMatchObject({ status: 503, body: { ok: false, error: 'Error: boom' } });
  });

  it('keeps /health/live apart from readiness: live while not ready', async () => {
    server = await startOpsServer('127.0.0.1', 0, { ready: () => notReady });
    const live = await get('/health/live');
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({ ok: true, checks: { eventLoop: { ok: true } } });
  });

  it('serves Prometheus text on /metrics and 404 elsewhere', async () => {
    server = await startOpsServer('127.0.0.1', 0, { ready: () => ready });
    expect(await get('/metrics')).toMatchObject({ status: 200, body: expect.stringContaining('# HELP') });
    expect((await get('/nope')).status).toBe(404);
  });
});
