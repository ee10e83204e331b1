/**
 * Correlation and incidents through two real `vigil run --stage detect` processes sharing the
 * partitions, one of them SIGKILLed mid-stream: every correlation alert the events make (as the
 * offline engine computes them) reaches `vigil.alerts` exactly once, and every source address
 * ends up in exactly one incident.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { Bus } from '../../core/bus/index.js';
import type { EcsEvent } from '../../core/event/index.js';
import { loadCorrelations, runCorrelationsOffline } from '../../detections/correlation/index.js';
import { exitOf, freePort, spawnVigil } from '../support/child.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';
import { waitFor } from '../support/wait.js';

const SOURCES = 240;
const PER_SOURCE = 10;
const BASE = Date.parse('2026-11-22T09:00:00Z');

const RULES = `title: Kill Test Failed Login
id: 5b0c9a57-0b1e-4c55-9d1d-6a3f1e2b7c01
name: kill_failed_login
status: test
logsource: { product: linux, service: sshd }
detection:
  selection: { event.outcome: failure, event.action: ssh_login }
  condition: selection
level: informational
---
title: Kill Test Five Failures
id: 5b0c9a57-0b1e-4c55-9d1d-6a3f1e2b7c02
name: kill_five_failures
status: test
correlation:
  type: event_count
  rules: [kill_failed_login]
  group-by: [source.ip]
  timespan: 10m
  condition: { gte: 5 }
level: high
---
title: Kill Test Three Users
id: 5b0c9a57-0b1e-4c55-9d1d-6a3f1e2b7c03
name: kill_three_users
status: test
correlation:
  type: value_count
  rules: [kill_failed_login]
  group-by: [source.ip]
  timespan: 10m
  condition: { field: user.name, gte: 3 }
level: medium
`;

/** Source s's i-th failed login: one second apart per source, users cycling through four names. */
function failedLogin(s: number, i: number): EcsEvent {
  const ip = `10.${(s >> 8) & 255}.${s & 255}.7`;
  return {
    '@timestamp': new Date(BASE + i * 1000 + s).toISOString(),
    message: `Failed password for u${s}-${i % 4} from ${ip} port 4000 ssh2`,
    event: { kind: 'event', category: ['authentication'], outcome: 'failure', action: 'ssh_login' },
    process: { name: 'sshd' },
    user: { name: `u${s}-${i % 4}` },
    source: { ip },
    host: { name: `kill-host-${s}` },
    vigil: { id: `kill-${s}-${i}`, input: 'kill-test', received_at: new Date(BASE).toISOString(), parse_status: 'ok' },
  } as EcsEvent;
}

/** Events round by round (every source's i-th login, then the (i+1)-th), keyed by source address. */
function stream(): EcsEvent[] {
  const out: EcsEvent[] = [];
  for (let i = 0; i < PER_SOURCE; i++) for (let s = 0; s < SOURCES; s++) out.push(failedLogin(s, i));
  return out;
}

async function healthy(port: number): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
  return res !== undefined && ((await res.json()) as { ok?: boolean }).ok === true;
}

describe('correlation across two instances, one SIGKILLed (real vigil processes)', () => {
  const config = testConfig('corrkill');
  afterAll(async () => {
    await cleanupTest(config);
  });

  it('emits every correlation alert once and one incident per source', { timeout: 360_000 }, async () => {
    const work = mkdtempSync(join(tmpdir(), 'vigil-corrkill-'));
    const dir = join(work, 'rules');
    mkdirSync(dir);
    writeFileSync(join(dir, 'failures.yml'), RULES);
    config.inputs = [];
    config.playbooks.paths = [];
    config.detections.rules = [dir];
    const events = stream();
    const set = loadCorrelations([dir]);
    expect(set.errors).toEqual([]);
    const expected = runCorrelationsOffline(set, events).alerts.filter((a) => a.emit);
    // Per source: event_count fires on the 5th and 10th login; value_count on the 3rd, 6th and 9th.
    expect(expected).toHaveLength(SOURCES * 5);

    const start = async (name: string) => {
      const port = await freePort();
      const file = join(work, `${name}.yaml`);
      writeFileSync(file, stringify({ ...config, ops: { host: '127.0.0.1', port } }));
      const log = join(work, `${name}.log`);
      const child = await spawnVigil(['run', '--config', file, '--stage', 'detect'], log);
      await waitFor(`vigil ${name} healthy (log: ${log})`, () => healthy(port), 90_000);
      return { child, log };
    };
    const restoredBy = (log: string) =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l.includes('"processor":"correlate"') && l.includes('restored partition state')).length;

    const bus = new Bus(config.kafka, 'corrkill-test');
    await bus.provision();
    const a = await start('a');
    const b = await start('b');
    try {
      await waitFor('correlation partitions shared by the two', async () => restoredBy(a.log) > 0 && restoredBy(b.log) > 0, 90_000);
      const producer = await bus.producer();
      const send = (list: EcsEvent[]) =>
        producer.send(
          bus.topics.events,
          list.map((e) => ({ key: (e.source as { ip: string }).ip, value: JSON.stringify(e) })),
        );
      const cut = Math.floor(events.length * 0.4);
      for (let i = 0; i < cut; i += SOURCES) await send(events.slice(i, Math.min(cut, i + SOURCES)));
      const correlationAlerts = async () =>
        (await bus.read(bus.topics.alerts, { idleMs: 1500, timeoutMs: 30_000 })).filter((r) =>
          r.headers?.['vigil-rule']?.startsWith('5b0c9a57'),
        );
      await waitFor('the first correlation alerts', async () => (await correlationAlerts()).length > 50, 60_000, 200);
      const restoredBeforeKill = restoredBy(b.log);
      a.child.kill('SIGKILL');
      await exitOf(a.child);
      for (let i = cut; i < events.length; i += SOURCES) await send(events.slice(i, Math.min(events.length, i + SOURCES)));
      await producer.close();

      const got = await waitFor(
        `${expected.length} correlation alerts`,
        async () => {
          const list = await correlationAlerts();
          return list.length >= expected.length ? list : undefined;
        },
        150_000,
        1000,
      );
      // Anything still in flight would show up now: give it a moment, then read again.
      await new Promise((r) => setTimeout(r, 3000));
      const final = await correlationAlerts();
      expect(final.length).toBe(got.length);
      const ids = final.map((r) => (JSON.parse(r.value.toString('utf8')) as { vigil: { id: string } }).vigil.id);
      expect(ids.length - new Set(ids).size).toBe(0);
      expect(new Set(ids)).toEqual(new Set(expected.map((e) => e.alert.vigil?.id)));
      // B took A's partitions over from the changelog.
      expect(restoredBy(b.log)).toBeGreaterThan(restoredBeforeKill);

      const incidents = await waitFor(
        `incidents for ${SOURCES} sources`,
        async () => {
          const latest = new Map<string, { incident: { alerts: string[]; entities?: { ips?: string[] } } }>();
          for (const r of await bus.read(bus.topics.incidents, { idleMs: 1500, timeoutMs: 30_000 }))
            latest.set(String(r.key), JSON.parse(r.value.toString('utf8')));
          const alertsIn = [...latest.values()].reduce((n, d) => n + d.incident.alerts.length, 0);
          return alertsIn >= expected.length ? latest : undefined;
        },
        90_000,
        1000,
      );
      expect(incidents.size).toBe(SOURCES);
      const alertIds = [...incidents.values()].flatMap((d) => d.incident.alerts);
      expect(alertIds.length - new Set(alertIds).size).toBe(0);
      expect(new Set(alertIds)).toEqual(new Set(ids));
    } finally {
      a.child.kill('SIGKILL');
      b.child.kill('SIGTERM');
      await exitOf(b.child);
      await bus.close();
    }
  });
});
