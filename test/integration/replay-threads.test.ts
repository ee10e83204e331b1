/**
 * `vigil replay --threads 2` on REAL Kafka gives what `--threads 1` gives over the same range:
 * the same summary and stderr (unreadable records), the same alert records (key and JSON) on
 * the replay's alert topic, and the same incident records, correlation alerts included. The range holds a realistic mix of events, events shaped after
 * the shipped rules (so that many fire), an SSH brute force (a correlation), and records that
 * are not events, spread over the topic's partitions in many small batches.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { mixedEvents, ruleShapedEvents } from '../../bench/detect-events.js';
import { run as replay } from '../../cli/commands/replay.js';
import { Bus } from '../../core/bus/index.js';
import type { EcsEvent } from '../../core/event/index.js';
import { loadRuleSetFrom } from '../../detections/engine/ruleset.js';
import { normalizeSyslog, parseSyslog } from '../../ingest/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';

const NOW = Date.now();
const RULES = ['rules/sigma', 'rules/correlation'];

/** Twelve failed root logins from one address, 10 s apart: the shipped SSH brute-force correlation fires. */
function bruteForce(): EcsEvent[] {
  const now = new Date(NOW);
  return Array.from({ length: 12 }, (_, i) => {
    const line = `<38>Nov 20 10:0${Math.floor(i / 6)}:${String((i % 6) * 10).padStart(2, '0')} web-01 sshd[${500 + i}]: Failed password for root from 203.0.113.5 port ${40000 + i} ssh2`;
    const parsed = parseSyslog(line, { now, timezone: 'UTC' });
    if (!parsed.ok) throw new Error(`test line does not parse: ${line}`);
    return normalizeSyslog(parsed.record, {
      inputId: 'replay-threads',
      peer: '127.0.0.1',
      raw: Buffer.from(line),
      receivedAt: now,
      keepOriginal: false,
    });
  });
}

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(...l.split('\n')), err: (l: string) => err.push(l), now: () => new Date(NOW) } };
};

describe('vigil replay --threads (Kafka)', () => {
  const config = testConfig('replay-threads');
  const bus = new Bus(config.kafka, 'replay-threads-test');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-replay-threads-'));
  const configFile = join(dir, 'vigil.yaml');

  beforeAll(async () => {
    // Topics only: some rule-shaped events carry damaged times, which Elasticsearch would refuse.
    writeFileSync(configFile, stringify({ ...config, inputs: [], sinks: [] }));
    await bus.provision();
    const producer = await bus.producer();
    const { loaded } = loadRuleSetFrom(['rules/sigma']);
    // One second apart in event time: incidents group alerts sorted by time, and alerts of one
    // time are taken in the order Kafka hands the partitions over, which differs from one read
    // to the next (with one thread too).
    const shaped = [...mixedEvents(1500, 5), ...ruleShapedEvents(loaded, 1500, 9)].map((e, i) => ({
      ...e,
      '@timestamp': new Date(Date.parse('2026-11-20T08:00:00Z') + i * 1000).toISOString(),
    }));
    const events = [...shaped, ...bruteForce()];
    const values: string[] = events.map((e) => JSON.stringify(e));
    // Records that are not events, among the others.
    values.splice(700, 0, 'not json');
    values.splice(2100, 0, JSON.stringify({ message: 'no time' }));
    // Many small sends, each to one partition, so that the read comes in many batches.
    for (let i = 0, n = 0; i < values.length; i += 100, n++)
      await producer.send(
        bus.topics.events,
        values.slice(i, i + 100).map((value, j) => ({ partition: n % 3, value, timestamp: NOW - 60_000 + i + j })),
      );
  }, 120_000);
  afterAll(async () => {
    await bus.close();
    await cleanupTest(config);
  });

  /** A replay of the last two minutes: its stdout (names taken out), stderr, alert records and incident records. */
  const run = async (threads: number | undefined) => {
    const name = `threads-${threads ?? 'auto'}`;
    const io = capture();
    const args = ['--config', configFile, '--from', 'now-2m', '--to', 'now', ...RULES.flatMap((r) => ['--rules', r])];
    expect(await replay([...args, '--name', name, ...(threads === undefined ? [] : ['--threads', String(threads)])], io.io)).toBe(0);
    const records = async (kind: string) =>
      (await bus.read(`${config.kafka.topicPrefix}vigil.replay.${name}.${kind}`, { idleMs: 1500 })).map(
        (r) => `${r.partition} ${r.key} ${r.value.toString('utf8')}`,
      );
    return {
      out: io.out.map((l) => l.replaceAll(name, 'NAME')),
      err: io.err,
      alerts: await records('alerts'),
      incidents: await records('incidents'),
    };
  };

  it('writes the same alerts, ids and incidents on two threads as on one, and without --threads', { timeout: 180_000 }, async () => {
    const one = await run(1);
    const two = await run(2);
    expect(one.out[0]).toMatch(/^replayed 3012 events of .*vigil\.events received /);
    // Partition by partition: the two records may come in either order.
    expect([...one.err].sort()).toEqual([
      expect.stringMatching(/vigil\.events\[0\]@700: unreadable event: no @timestamp$/),
      expect.stringMatching(/vigil\.events\[1\]@200: unreadable event: .*JSON/),
    ]);
    expect(one.alerts.length).toBeGreaterThan(200);
    expect(one.alerts.some((a) => a.includes('"SSH Brute Force"'))).toBe(true);
    expect(one.incidents.length).toBeGreaterThan(0);

    // Kafka interleaves the partitions' batches differently from one read to the next (with one
    // thread too), so lines and records are compared as sets; each partition's own order holds.
    const sorted = (xs: string[]) => [...xs].sort();
    expect(sorted(two.out)).toEqual(sorted(one.out));
    expect(sorted(two.err)).toEqual(sorted(one.err));
    expect(sorted(two.alerts)).toEqual(sorted(one.alerts));
    expect(sorted(two.incidents)).toEqual(sorted(one.incidents));

    // Without --threads, a range this small is matched on the main thread through the workers' steps.
    const auto = await run(undefined);
    expect(sorted(auto.out)).toEqual(sorted(one.out));
    expect(sorted(auto.err)).toEqual(sorted(one.err));
    expect(sorted(auto.alerts)).toEqual(sorted(one.alerts));
    expect(sorted(auto.incidents)).toEqual(sorted(one.incidents));
  });

  it('refuses a thread count that is not a whole number', async () => {
    const args = ['--config', configFile, '--from', 'now-2m', '--to', 'now', '--rules', 'rules/sigma', '--name', 'bad'];
    await expect(replay([...args, '--threads', '0'], capture().io)).rejects.toThrow(/--threads '0' must be a whole number/);
    await expect(replay([...args, '--threads', 'two'], capture().io)).rejects.toThrow(/--threads 'two'/);
  });
});
