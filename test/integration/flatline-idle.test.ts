/**
 * A flatline when every source falls silent, on REAL Kafka: two hosts send heartbeats, then
 * nothing more arrives at all. No event can move the correlate stage's watermark any more; the
 * detect stage's idle ticks (detections.correlation.idleAdvanceSeconds) must, so that each
 * host's flatline alert still reaches `vigil.alerts`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startStages, type RunningStages } from '../../cli/stages.js';
import { Bus } from '../../core/bus/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';

const RULES = `title: Idle Test Heartbeat
id: 0d6f8a52-3c1e-4f7a-9b2d-5e8c1a7f3b01
name: idle_heartbeat
status: test
logsource: { product: linux }
detection:
  selection: { event.action: heartbeat }
  condition: selection
level: informational
---
title: Idle Test Host Went Silent
id: 0d6f8a52-3c1e-4f7a-9b2d-5e8c1a7f3b02
name: idle_host_silent
status: test
correlation:
  type: flatline
  rules: [idle_heartbeat]
  group-by: [host.name]
  timespan: 2s
  condition: { lt: 1 }
level: high
`;

describe('flatline with every source silent (real Kafka)', () => {
  const config = testConfig('idle');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-idle-'));
  writeFileSync(join(dir, 'idle.yml'), RULES);
  config.detections.rules = [dir];
  config.detections.correlation.allowedLatenessSeconds = 0;
  config.detections.correlation.idleAdvanceSeconds = 1;
  const bus = new Bus(config.kafka, 'idle-test');
  let pipeline: RunningStages | undefined;

  afterAll(async () => {
    await pipeline?.close();
    await cleanupTest(config);
    await bus.close();
  });

  it('fires each host’s flatline from the idle ticks alone', async () => {
    await bus.provision();
    pipeline = await startStages(config, ['detect']);
    const producer = await bus.producer();
    const start = Date.now();
    for (let i = 0; i < 3; i++) {
      const records = ['idle-a', 'idle-b'].map((host) => {
        const t = start + i * 300;
        const event = {
          '@timestamp': new Date(t).toISOString(),
          event: { kind: 'event', action: 'heartbeat' },
          host: { name: host },
          vigil: { id: `${host}-${i}`, input: 'idle-test', received_at: new Date(t).toISOString(), parse_status: 'ok' },
        };
        return { key: host, value: JSON.stringify(event), timestamp: t };
      });
      await producer.send(bus.topics.events, records);
    }
    // From here on nothing is sent: only the idle ticks can move event time past the windows.
    const alerts = await bus.read(bus.topics.alerts, {
      until: (rs) => rs.filter((r) => r.headers['vigil-rule'] === '0d6f8a52-3c1e-4f7a-9b2d-5e8c1a7f3b02').length >= 2,
      timeoutMs: 60_000,
    });
    const silent = alerts
      .filter((r) => r.headers['vigil-rule'] === '0d6f8a52-3c1e-4f7a-9b2d-5e8c1a7f3b02')
      .map((r) => JSON.parse(r.value.toString('utf8')) as { host?: { name?: string }; rule?: { name?: string } });
    expect(silent.map((a) => a.host?.name).sort()).toEqual(['idle-a', 'idle-b']);
    expect(silent[0]?.rule?.name).toBe('Idle Test Host Went Silent');
  }, 90_000);
});
