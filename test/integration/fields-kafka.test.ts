/**
 * `vigil fields --from --to` on REAL Kafka, through the real CLI: events reach a topic of the
 * test's own at known Kafka record times, before, inside and after the range. The report counts
 * only the events inside it: a field that only the events outside hold is one the data never
 * holds (its rule can never fire here), and the fields only they hold are not listed as unread.
 * A record inside the range that is not an event is counted as unreadable, with where it is.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { Bus } from '../../core/bus/index.js';
import { readEventRange, type RangeEvent } from '../../cli/kafka-range.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';

const NOW = Date.now();
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
/** The range: [NOW-2.5h, NOW-1h). */
const FROM = NOW - 2.5 * HOUR;
const TO = NOW - HOUR;

const vigil = async (...args: string[]) => {
  try {
    const r = await promisify(execFile)(process.execPath, ['bin/vigil.js', 'fields', ...args], { encoding: 'utf8' });
    return { stdout: r.stdout, stderr: r.stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
};

const rule = (id: string, title: string, logsource: string, detection: string): string =>
  `title: ${title}\nid: ${id}\nstatus: test\nlogsource:\n${logsource}\ndetection:\n${detection}\n  condition: selection\nlevel: medium\n`;

const SEEN = '11111111-1111-4111-8111-111111111111';
const NEVER = '22222222-2222-4222-8222-222222222222';
const WINDOWS = '33333333-3333-4333-8333-333333333333';
const LINUX = '  product: linux\n  category: process_creation';

/** A Linux process start; `extra` adds fields. */
const event = (i: number, extra: Record<string, unknown> = {}) => ({
  '@timestamp': iso(NOW - 2 * HOUR + i),
  event: { category: ['process'], type: ['start'] },
  host: { os: { type: 'linux' }, name: `web-0${i % 3}` },
  process: { name: i === 0 ? 'curl' : 'bash', pid: 100 + i },
  user: { name: 'root' },
  ...extra,
});

describe('vigil fields over a Kafka time range', () => {
  const config = testConfig('fields');
  const bus = new Bus(config.kafka, 'fields-test');
  const topic = `${config.kafka.topicPrefix}normalized`;
  const dir = mkdtempSync(join(tmpdir(), 'vigil-fields-kafka-'));
  const configFile = join(dir, 'vigil.yaml');
  const rules = join(dir, 'rules');

  beforeAll(async () => {
    writeFileSync(configFile, stringify({ ...config, inputs: [] }));
    mkdirSync(rules);
    writeFileSync(
      join(rules, 'seen.yml'),
      rule(SEEN, 'Reads What Is There', LINUX, '  selection:\n    process.name: curl\n    user.name: root'),
    );
    writeFileSync(
      join(rules, 'never.yml'),
      rule(NEVER, 'Reads What Only Other Hours Hold', LINUX, '  selection:\n    process.parent.executable|endswith: /nginx'),
    );
    writeFileSync(
      join(rules, 'windows.yml'),
      rule(WINDOWS, 'Windows Only', '  product: windows\n  category: process_creation', '  selection:\n    process.name: curl'),
    );
    await bus.ensureTopics([{ name: topic, partitions: 3, replicationFactor: 1, configs: {} }]);
    const producer = await bus.producer();
    const outside = (i: number) =>
      JSON.stringify(
        event(i, { process: { name: 'nginx', pid: 1, parent: { executable: '/usr/sbin/nginx' } }, labels: { outside: 'yes' } }),
      );
    // In time order per partition, as a topic is written: before the range, inside it, after it.
    await producer.send(
      topic,
      [0, 1, 2].map((i) => ({ key: `k${i}`, value: outside(i), timestamp: NOW - 3 * HOUR + i })),
    );
    await producer.send(topic, [
      ...[0, 1, 2, 3].map((i) => ({
        key: `k${i}`,
        value: JSON.stringify(event(i, i < 2 ? { labels: { team: 'red' } } : {})),
        timestamp: NOW - 2 * HOUR + i,
      })),
      { key: 'k9', value: 'not json {', timestamp: NOW - 2 * HOUR + 10 },
    ]);
    await producer.send(
      topic,
      [0, 1, 2].map((i) => ({ key: `k${i}`, value: outside(i), timestamp: NOW - 30 * 60_000 + i })),
    );
  });
  afterAll(async () => {
    await bus.close();
    await cleanupTest(config);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports the fields of the events received in the range, and only those', async () => {
    const r = await vigil(
      '--config',
      configFile,
      '--topic',
      topic,
      '--from',
      iso(FROM),
      '--to',
      iso(TO),
      '--top',
      '100',
      '--format',
      'json',
      rules,
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^${topic.replace(/\./g, '\\.')}\\[\\d\\]@\\d+: unreadable event: .*JSON`));
    const report = JSON.parse(r.stdout);
    expect({
      topic: report.topic,
      from: report.from,
      to: report.to,
      partitions: report.partitions,
      events: report.events,
      unreadable: report.unreadable,
      rules: report.rules,
    }).toEqual({ topic, from: iso(FROM), to: iso(TO), partitions: 3, events: 4, unreadable: 1, rules: 3 });
    // The events before and after the range hold process.parent.executable; those inside do not.
    expect(report.missing.map((m: { rule: { id: string }; field: string; from: string }) => [m.rule.id, m.field, m.from])).toEqual([
      [NEVER, 'process.parent.executable', 'detection'],
    ]);
    expect(report.neverFire.map((x: { id: string; why: string }) => [x.id, x.why]).sort()).toEqual([
      [NEVER, 'fields'],
      [WINDOWS, 'logsource'],
    ]);
    const unread = Object.fromEntries(report.unread.map((u: { path: string; events: number }) => [u.path, u.events]));
    expect(unread).toEqual({ '@timestamp': 4, 'host.name': 4, 'process.pid': 4, 'labels.team': 2 });
  });

  it('says in text which range of which topic it read, and what can never fire there', async () => {
    const r = await vigil('--config', configFile, '--topic', topic, '--from', iso(FROM), '--to', iso(TO), rules);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(
      `4 events of ${topic} received ${iso(FROM)} to ${iso(TO)} from 3 partitions (1 unreadable record), 3 rules`,
    );
    expect(r.stdout).toContain(`Reads What Only Other Hours Hold (${NEVER})  — never fires on this data`);
    expect(r.stdout).toContain('2 rules can never fire on this data');
  });

  it('reads the whole topic when the range holds every record, and the fields of every hour', async () => {
    const r = await vigil('--config', configFile, '--topic', topic, '--from', 'now-4h', '--to', 'now', '--format', 'json', rules);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.events).toBe(10);
    expect(report.missing).toEqual([]);
    expect(report.neverFire.map((x: { id: string }) => x.id)).toEqual([WINDOWS]);
  });

  it('hands the events over partition by partition in offset order, with a progress bar counted per partition', async () => {
    const batches: RangeEvent[][] = [];
    const progress: string[] = [];
    const errors: string[] = [];
    const io = {
      out: () => undefined,
      err: (l: string) => errors.push(l),
      progress: (t: string) => progress.push(t),
      now: () => new Date(NOW),
    };
    const read = await readEventRange(bus, topic, {
      range: { fromMs: FROM, toMs: TO },
      io,
      onEvents: (events) => void batches.push(events),
    });
    expect(read).toEqual({ topic, range: { fromMs: FROM, toMs: TO }, partitions: 3, events: 4, unreadable: 1 });
    expect(errors).toHaveLength(1);
    for (const batch of batches) {
      expect(new Set(batch.map((e) => e.partition)).size).toBe(1);
      const offsets = batch.map((e) => Number(e.offset));
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    }
    expect(
      batches
        .flat()
        .map((e) => e.event['@timestamp'])
        .sort(),
    ).toEqual([0, 1, 2, 3].map((i) => iso(NOW - 2 * HOUR + i)));
    // Five records in range (four events and the unreadable one), over the three partitions.
    expect(progress[0]).toMatch(/^\r\[[#.]{30}\] +\d+% {2}[1-5]\/5 records, [0-3]\/3 partitions done {2}[0-4] events?/);
    expect(progress.at(-1)).toBe('\r\x1b[K');
  });

  it('reads vigil.events of the config by default, and names a topic that does not exist', async () => {
    const r = await vigil('--config', configFile, '--from', 'now-4h', '--to', 'now', rules);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`topic ${config.kafka.topicPrefix}vigil.events does not exist`);
  });
});
