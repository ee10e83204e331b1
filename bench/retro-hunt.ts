/**
 * Retro-hunt: `vigil replay` over N ECS events on Kafka with all SigmaHQ rules
 * (../shared/sigma/rules), the whole process as a child, with `--threads 1` and `--threads 2`.
 *
 *   node --import tsx bench/retro-hunt.ts [--events 1000000] [--threads 1,2] [--keep]
 *
 * First writes the events (bench/detect-events.ts's mix, as bench/hunt.ts has them) to a
 * `vigil.events` topic of the bench's own (6 partitions, gzip level 1, as the local config
 * writes), timed apart. Then each replay reads that topic's whole range, matches every event,
 * writes its alerts and incidents to its own replay topics and prints its summary; per thread
 * count: wall and CPU seconds (user + system of the process, workers included, from
 * `/usr/bin/time`), events/s over the wall, events per CPU second, peak RSS, alerts and
 * incidents as the replay reported them. No Elasticsearch sink is configured: Kafka out only.
 * The topics are deleted at the end unless `--keep`.
 *
 * The goal (issue 17): 10M events in under 2 minutes on this 2-core machine, about 83k events/s.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { localConfig } from '../cli/local-config.js';
import { Bus } from '../core/bus/index.js';
import { mixedEvents } from './detect-events.js';
import { num, nums } from './args.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CORPUS = process.env.SIGMA_CORPUS ?? fileURLToPath(new URL('../../shared/sigma/rules', import.meta.url));
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    threads: { type: 'string', default: '1,2' },
    keep: { type: 'boolean', default: false },
  },
});
const n = num(values, 'events');
const threadCounts = nums(values, 'threads');

const id = `bench-retro-${Date.now().toString(36)}`;
const config = localConfig({ topicPrefix: `${id}.`, namePrefix: id });
config.kafka = { ...config.kafka, partitions: 6, compression: 'gzip', gzipLevel: 1 };
config.inputs = [];
config.sinks = [];

/** Writes `n` events to the events topic, records timestamped now; resolves to the [from, to) range they fall in. */
async function writeTopic(bus: Bus): Promise<{ fromMs: number; toMs: number; seconds: number }> {
  const topic = bus.topics.events;
  await bus.ensureTopics([{ name: topic, partitions: 6, replicationFactor: 1, configs: {} }]);
  const producer = await bus.producer();
  const started = Date.now();
  const slice = 50_000;
  const perSend = 2_000;
  for (let i = 0; i < n; i += slice) {
    const events = mixedEvents(Math.min(slice, n - i), 1 + i / slice);
    const sends: Array<Promise<unknown>> = [];
    for (let j = 0; j < events.length; j += perSend)
      sends.push(
        producer.send(
          topic,
          events
            .slice(j, j + perSend)
            .map((e) => ({ key: (e.host as { name?: string } | undefined)?.name ?? null, value: JSON.stringify(e) })),
        ),
      );
    await Promise.all(sends);
  }
  const toMs = Date.now() + 1;
  return { fromMs: started - 1000, toMs, seconds: (toMs - started) / 1000 };
}

interface Run {
  wall: number;
  cpu: number;
  rssMB: number;
  events: number;
  alerts: number;
  incidents: number;
}

function replay(configFile: string, range: { fromMs: number; toMs: number }, threads: number): Run {
  const args = [
    'bin/vigil.js',
    'replay',
    '--config',
    configFile,
    '--from',
    new Date(range.fromMs).toISOString(),
    '--to',
    new Date(range.toMs).toISOString(),
    '--rules',
    CORPUS,
    '--name',
    `threads-${threads}`,
    '--threads',
    String(threads),
  ];
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M %U %S', process.execPath, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  const m = /TIME (\S+) (\d+) (\S+) (\S+)\s*$/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`vigil replay --threads ${threads} failed (exit ${r.status}): ${r.stderr.slice(-800)}`);
  const events = /^replayed (\d+) events/m.exec(r.stdout);
  const summary = /^(\d+) alerts? from \d+ rules?, (\d+) incidents?/m.exec(r.stdout);
  if (!events || !summary) throw new Error(`vigil replay printed no summary:\n${r.stdout.slice(-800)}`);
  return {
    wall: Number(m[1]),
    rssMB: Number(m[2]) / 1024,
    cpu: Number(m[3]) + Number(m[4]),
    events: Number(events[1]),
    alerts: Number(summary[1]),
    incidents: Number(summary[2]),
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-retro-'));
  const configFile = join(dir, 'vigil.yaml');
  writeFileSync(configFile, stringify(config));
  const bus = new Bus(config.kafka, 'bench-retro');
  try {
    console.log(
      `corpus: ${CORPUS}; ${fmt(n)} events; node ${process.version}; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    const range = await writeTopic(bus);
    console.log(
      `write:      ${range.seconds.toFixed(1)} s (${fmt(n / range.seconds)} events/s into ${bus.topics.events}, 6 partitions, gzip 1)`,
    );
    for (const threads of threadCounts) {
      const r = replay(configFile, range, threads);
      if (r.events !== n) console.log(`  (the replay read ${fmt(r.events)} events, not ${fmt(n)})`);
      console.log(
        `threads ${threads}: ${r.wall.toFixed(1).padStart(6)} s wall, ${r.cpu.toFixed(1).padStart(6)} s CPU: ` +
          `${fmt(r.events / r.wall).padStart(7)} events/s, ${fmt(r.events / r.cpu).padStart(7)} per CPU s, ` +
          `peak RSS ${r.rssMB.toFixed(0)} MB, ${fmt(r.alerts)} alerts, ${fmt(r.incidents)} incidents; ` +
          `10M would take ~${((1e7 / r.events) * r.wall).toFixed(0)} s; load average ${loadavg()[0]?.toFixed(2)}`,
      );
    }
  } finally {
    if (!values.keep) {
      const own = (await bus.listTopics()).filter((t) => t.startsWith(config.kafka.topicPrefix));
      if (own.length > 0) await bus.deleteTopics(own);
    }
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
