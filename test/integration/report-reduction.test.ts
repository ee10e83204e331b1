/**
 * Routes on REAL Kafka, end to end: a sink runner with routes delivers what they keep, writes its
 * counts to `vigil.sink-stats`, and `vigil report reduction` (the real CLI, as a child process)
 * prints them per sink and route.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { Bus } from '../../core/bus/index.js';
import type { RouteConfig } from '../../sinks/routes/index.js';
import { startSinkRunner, type Outgoing } from '../../sinks/runner/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';
import { waitFor } from '../support/wait.js';

const run = promisify(execFile);

describe('routes and vigil report reduction on real Kafka', () => {
  const config = testConfig('reduction');
  const bus = new Bus(config.kafka, 'reduction-test');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-reduction-'));
  const configFile = join(dir, 'vigil.yaml');

  afterAll(async () => {
    await bus.close();
    await cleanupTest(config);
  });

  it('delivers what the routes keep and reports what they dropped', async () => {
    writeFileSync(configFile, stringify({ ...config, inputs: [] }));
    await bus.provision();
    const routes = [
      {
        name: 'auth-failures',
        match: { selection: { 'event.category': 'authentication', 'event.outcome': 'failure' }, condition: 'selection' },
        keep: ['@timestamp', 'user.name', 'source.ip'],
        hash: { fields: ['user.name'], secret: 'test-secret-0123456789' },
      },
      {
        name: 'firewall',
        match: { fw: { 'event.action': 'allow' }, condition: 'fw' },
        aggregate: { by: ['source.ip'], intervalMs: 60_000 },
      },
    ] as RouteConfig[];
    const got: Outgoing[] = [];
    const sink = await startSinkRunner({
      id: 'reduce',
      type: 'test',
      bus,
      topics: ['events'],
      routes,
      statsIntervalMs: 200,
      deliver: async (batch) => {
        got.push(...batch);
        return batch.map(() => ({ outcome: 'ok' as const }));
      },
    });
    const ts = '2025-01-01T00:00:10Z';
    const events = [
      ...Array.from({ length: 5 }, (_, i) => ({
        '@timestamp': ts,
        event: { category: ['authentication'], outcome: 'failure' },
        user: { name: `u${i}` },
        source: { ip: '10.0.0.9' },
        message: 'x'.repeat(200),
      })),
      ...Array.from({ length: 20 }, () => ({
        '@timestamp': ts,
        event: { action: 'allow' },
        source: { ip: '10.0.0.1' },
        message: 'y'.repeat(200),
      })),
      ...Array.from({ length: 3 }, () => ({ '@timestamp': ts, event: { action: 'noise' } })),
    ];
    await (
      await bus.producer()
    ).send(
      bus.topics.events,
      events.map((e) => ({ key: 'one', value: JSON.stringify(e) })),
    );
    await waitFor(
      'the routed records',
      async () => got.filter((o) => o.route === 'auth-failures').length === 5 && got.some((o) => o.route === 'firewall'),
      60_000,
    );
    await sink.close(); // flushes the last stats

    const auth = got.filter((o) => o.route === 'auth-failures');
    expect(Object.keys(auth[0]?.doc ?? {}).sort()).toEqual(['@timestamp', 'source', 'user']);
    expect((auth[0]?.doc.user as { name: string }).name).toMatch(/^[0-9a-f]{64}$/);
    const fw = got.filter((o) => o.route === 'firewall').map((o) => (o.doc.aggregate as { count: number }).count);
    expect(fw.reduce((a, b) => a + b, 0)).toBe(20);

    const { stdout } = await run(process.execPath, ['bin/vigil.js', 'report', 'reduction', '--config', configFile, '--since', '1h'], {
      timeout: 120_000,
    });
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^SINK\s+ROUTE/);
    expect(lines.find((l) => /^reduce\s+auth-failures\s/.test(l))).toMatch(/^reduce\s+auth-failures\s+5\s+5\s/);
    expect(lines.find((l) => /^reduce\s+firewall\s/.test(l))).toMatch(
      new RegExp(`^reduce\\s+firewall\\s+20\\s+${fw.length}\\s.*aggregated=20$`),
    );
    expect(lines.find((l) => /^reduce\s+\(none\)\s/.test(l))).toMatch(/unrouted=3$/);
    expect(lines.find((l) => /^reduce\s+\*\s/.test(l))).toMatch(/^reduce\s+\*\s+28\s/);
  }, 180_000);
});
