/**
 * An alert embeds the event it fired on, so it is larger than the event: an event that Kafka
 * took can make an alert Kafka will not take. The detect stage dead-letters such an alert, with
 * the reason, and goes on with the next event instead of offering the same batch for ever.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startStages, type RunningStages } from '../../cli/stages.js';
import { Bus } from '../../core/bus/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';

const RULE_ID = '6b2c3d4e-0000-4000-8000-000000000001';
const RULE = `title: Any Login
id: ${RULE_ID}
status: test
logsource: { product: linux }
detection:
  selection: { event.action: login }
  condition: selection
level: low
`;

describe('detect stage and alerts too large for Kafka (real Kafka)', () => {
  const config = testConfig('detbig');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-detbig-'));
  writeFileSync(join(dir, 'login.yml'), RULE);
  config.detections.rules = [dir];
  // The stage may write records of 64 KiB at most; the test's own producer may write larger ones.
  config.kafka.maxRecordBytes = 64 * 1024;
  const bus = new Bus({ ...config.kafka, maxRecordBytes: 1_000_000 }, 'detbig-test');
  let pipeline: RunningStages | undefined;

  afterAll(async () => {
    await pipeline?.close();
    await cleanupTest(config);
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const event = (id: string, message: string) => {
    const t = new Date().toISOString();
    return {
      key: 'big-1',
      value: JSON.stringify({
        '@timestamp': t,
        message,
        event: { kind: 'event', action: 'login' },
        host: { name: 'big-1', os: { type: 'linux' } },
        user: { name: 'alice' },
        vigil: { id, input: 'detbig-test', received_at: t, parse_status: 'ok' },
      }),
    };
  };

  it('dead-letters the alert with the reason and still raises the next one', async () => {
    await bus.provision();
    pipeline = await startStages(config, ['detect']);
    const producer = await bus.producer();
    // 60 KiB: the event fits the stage's limit, its alert (the event and more) does not.
    await producer.send(bus.topics.events, [event('detbig-1', 'x'.repeat(60 * 1024)), event('detbig-2', 'small')]);
    const letters = await bus.read(bus.topics.deadletter, { until: (rs) => rs.length >= 1, timeoutMs: 10_000 });
    const letter = JSON.parse(letters[0]!.value.toString('utf8')) as { stage: string; code: string; reason: string };
    expect(letter).toMatchObject({ stage: 'detect', code: 'RECORD_TOO_LARGE' });
    expect(letter.reason).toMatch(/too large|exceeds/);
    // The batch was committed, not offered again: the small event's alert stands once.
    await new Promise((r) => setTimeout(r, 3000));
    const alerts = await bus.read(bus.topics.alerts, { idleMs: 1500 });
    expect(alerts.map((r) => (JSON.parse(r.value.toString('utf8')) as { message?: string }).message)).toEqual(['Any Login: small']);
  }, 90_000);
});
