/**
 * `vigil rules backtest --from-kafka` on REAL Kafka: the shipped samples' events reach
 * `vigil.events`; a backtest over the range they arrived in agrees with the shipped baseline
 * (the same counts as over the file), and a range holding only the first half of them fails
 * with the rules that fired less or not at all.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { Bus } from '../../core/bus/index.js';
import { huntEvents } from '../../cli/hunt/events.js';
import { run as rules } from '../../cli/commands/rules.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';

const NOW = Date.now();
const HOUR = 3_600_000;

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
};

describe('vigil rules backtest --from-kafka', () => {
  const config = testConfig('backtest');
  const bus = new Bus(config.kafka, 'backtest-test');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-backtest-kafka-'));
  const configFile = join(dir, 'vigil.yaml');
  let events = 0;

  beforeAll(async () => {
    writeFileSync(configFile, stringify({ ...config, inputs: [] }));
    await bus.provision();
    const values: string[] = [];
    for await (const r of huntEvents('rules/samples/linux-attack.log', 'ecs', new Date(NOW)))
      if (r.kind === 'event') values.push(JSON.stringify(r.event));
    events = values.length;
    const producer = await bus.producer();
    // Kafka record times: the events two hours ago, one millisecond apart, in file order.
    await producer.send(
      bus.topics.events,
      values.map((value, i) => ({ key: 'web-01', value, timestamp: NOW - 2 * HOUR + i })),
    );
  });
  afterAll(async () => {
    await bus.close();
    await cleanupTest(config);
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts what the range of vigil.events fires, as the shipped baseline over the same lines says', async () => {
    expect(events).toBeGreaterThan(30);
    const c = capture();
    const code = await rules(
      [
        'backtest',
        '--from-kafka',
        '--config',
        configFile,
        '--from',
        'now-3h',
        '--to',
        'now-1h',
        '--baseline',
        'rules/backtest-baseline.json',
      ],
      c.io,
    );
    expect(c.err.join('\n')).toContain(`${events} events of ${config.kafka.topicPrefix}vigil.events`);
    const baseline = Object.values(parseYaml(readFileSync('rules/backtest-baseline.json', 'utf8')) as Record<string, number>);
    const fires = baseline.reduce((a, b) => a + b, 0);
    expect(c.out).toContain(`backtest ok: ${baseline.length} rules fired ${fires} times, as the baseline says`);
    expect(code).toBe(0);
  });

  it('fails when the range holds only the first half of the events', async () => {
    const c = capture();
    const half = new Date(NOW - 2 * HOUR + Math.floor(events / 2)).toISOString();
    const code = await rules(
      ['backtest', '--from-kafka', '--config', configFile, '--from', 'now-3h', '--to', half, '--baseline', 'rules/backtest-baseline.json'],
      c.io,
    );
    expect(code).toBe(1);
    expect(c.out.join('\n')).toMatch(/^04bab770-8264-4d97-a3d2-ace77e639e96\s+27\s+\d+\s+less/m);
    expect(c.out.join('\n')).toMatch(/backtest FAILED: \d+ rules differ/);
  });
});
