/**
 * What `vigil run` takes from `detections` in config, on REAL Kafka: placeholder values from a
 * file, deprecated rules left out, and rules, placeholders and correlations that reload when
 * their files change, without a restart.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startStages, type RunningStages } from '../../cli/stages.js';
import { Bus } from '../../core/bus/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';

const ADMIN = '5a1b2c3d-0000-4000-8000-000000000001';
const OLD = '5a1b2c3d-0000-4000-8000-000000000002';
const MANY = '5a1b2c3d-0000-4000-8000-000000000004';

const ADMIN_RULE = `title: Admin Login
id: ${ADMIN}
status: test
logsource: { product: linux }
detection:
  selection:
    event.action: login
    user.name|expand: '%admins%'
  condition: selection
level: medium
`;

const OLD_RULE = ADMIN_RULE.replace(ADMIN, OLD)
  .replace('Admin Login', 'Any Login (deprecated)')
  .replace('status: test', 'status: deprecated')
  .replace("    user.name|expand: '%admins%'\n", '');

const correlation = (threshold: number): string => `title: Config Test Login
id: 5a1b2c3d-0000-4000-8000-000000000003
name: cfg_login
status: test
logsource: { product: linux }
detection:
  selection: { event.action: login }
  condition: selection
level: informational
---
title: Config Test Many Logins
id: ${MANY}
status: test
correlation:
  type: event_count
  rules: [cfg_login]
  group-by: [host.name]
  timespan: 10m
  condition: { gte: ${threshold} }
level: high
`;

describe('detections config in the running detect stage (real Kafka)', () => {
  const config = testConfig('detcfg');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-detcfg-'));
  const rules = join(dir, 'rules');
  const admins = join(dir, 'admins.txt');
  writeFileSync(admins, '# who may log in as admin\nroot\n');
  config.detections.rules = [rules];
  config.detections.pipeline = 'ecs';
  config.detections.placeholderFiles = { admins };
  const bus = new Bus(config.kafka, 'detcfg-test');
  let pipeline: RunningStages | undefined;
  let n = 0;

  afterAll(async () => {
    await pipeline?.close();
    await cleanupTest(config);
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = async (users: string[], host: string): Promise<void> => {
    const producer = await bus.producer();
    const records = users.map((user) => {
      const t = new Date().toISOString();
      const event = {
        '@timestamp': t,
        event: { kind: 'event', action: 'login' },
        host: { name: host, os: { type: 'linux' } },
        user: { name: user },
        vigil: { id: `detcfg-${n++}`, input: 'detcfg-test', received_at: t, parse_status: 'ok' },
      };
      return { key: host, value: JSON.stringify(event) };
    });
    await producer.send(bus.topics.events, records);
  };
  const alertsOf = async (until: (a: Array<{ rule: string; user?: string; host?: string }>) => boolean) =>
    (await bus.read(bus.topics.alerts, { until: (rs) => until(rs.map(view)), timeoutMs: 45_000 })).map(view);
  const view = (r: { headers: Record<string, string | undefined>; value: Buffer }) => {
    const a = JSON.parse(r.value.toString('utf8')) as { user?: { name?: string }; host?: { name?: string } };
    return { rule: r.headers['vigil-rule'] ?? '', user: a.user?.name, host: a.host?.name };
  };

  it('matches placeholder values from a file and leaves deprecated rules out', async () => {
    mkdirSync(rules);
    writeFileSync(join(rules, 'admin.yml'), ADMIN_RULE);
    writeFileSync(join(rules, 'old.yml'), OLD_RULE);
    writeFileSync(join(rules, 'many.yml'), correlation(100));
    await bus.provision();
    pipeline = await startStages(config, ['detect']);
    await send(['root', 'bob'], 'cfg-1');
    const alerts = await alertsOf((a) => a.some((x) => x.rule === ADMIN));
    expect(alerts.filter((a) => a.rule === ADMIN).map((a) => a.user)).toEqual(['root']);
    expect(alerts.filter((a) => a.rule === OLD)).toEqual([]);
  }, 90_000);

  it('reloads placeholder files and correlations when they change', async () => {
    writeFileSync(admins, 'bob\n');
    writeFileSync(join(rules, 'many.yml'), correlation(2));
    // The reload comes after the debounce: keep sending until the new values and threshold show.
    let sending = true;
    const sender = (async () => {
      for (let host = 2; sending; host++) {
        await send(['bob', 'carol'], `cfg-${host}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    const alerts = await alertsOf((a) => a.some((x) => x.rule === ADMIN && x.user === 'bob') && a.some((x) => x.rule === MANY)).finally(
      () => (sending = false),
    );
    await sender;
    expect(alerts.filter((a) => a.rule === ADMIN).map((a) => a.user)).toContain('bob');
    expect(alerts.filter((a) => a.rule === ADMIN && a.user === 'root')).toHaveLength(1);
    expect(alerts.filter((a) => a.rule === MANY).length).toBeGreaterThanOrEqual(1);
    expect(alerts.filter((a) => a.rule === MANY).every((a) => a.host !== 'cfg-1')).toBe(true);
    expect(alerts.filter((a) => a.rule === OLD)).toEqual([]);
  }, 90_000);
});
