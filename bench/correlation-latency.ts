/**
 * bench/correlation-latency: from the last event a correlation needs to its incident on
 * `vigil.incidents`, at a sustained input rate, through a real `vigil run --stage detect`
 * process (detect → correlate-repartition → correlate → alerts → incidents) on the local Kafka.
 *
 *   node --import tsx bench/correlation-latency.ts [--rate 20000] [--seconds 30] [--warmup-seconds 5] [--partitions 3] [--compression gzip|none] [--profile DIR]
 *
 * This process writes ECS events straight to `vigil.events` (keyed by host, as ingest does) at
 * `--rate`: one in ten is a failed SSH login, and each source address fails five times in a row,
 * which fires an event_count correlation (gte 5) and so opens one incident per address (incidents
 * grouped by source.ip only: the default grouping would gather them under the shared user). The
 * latency of an address is the incident record's Kafka timestamp minus the send time of its
 * fifth failure (and, `fromKafkaAck`, minus the time Kafka acknowledged that failure: what this
 * process's own producer queue adds is then left out). Prints the achieved input rate, p50/p90/p99/max, and incidents seen/expected.
 * The first `--warmup-seconds` of traffic are sent the same way and left out of every figure but
 * their own `warmup` line: a process that just started pays for its first events (compiling the
 * hot paths, the first fetches, a logsource's prefilter), and that is start-up, not steady latency.
 *
 * `hops` splits the path where each hop's output becomes visible to a reader (read committed: a
 * transactional hop's records count from its commit, not from their append): `kafkaAck` (send →
 * Kafka acknowledged the fifth failure), `detect` (→ its base alert visible on the correlation
 * input topic), `correlate` (→ the correlation alert visible on `vigil.alerts`, written in the
 * same transaction as its copy on `vigil.incident-alerts`), `incidents` (→ the incident visible on
 * `vigil.incidents`). Each is measured per address; p50/p99 of each hop need not add up to the
 * end-to-end ones. A reader of this process sees a record late when this process is busy (it
 * also sends the 20k events/s), so `stamped` splits the same path by the records' own Kafka
 * timestamps, which each stage's producer sets when it sends: `detect` (send of the fifth failure
 * → its base alert sent on the correlation input), `correlate` (→ the correlation alert sent),
 * `incidents` (→ the incident sent). These add up, per address, to the end-to-end latency, and
 * no reader's delay is in them. Last, what the Vigil process says of its own event loop and
 * garbage collector over the run (from its `/metrics`): a pause there holds every hop at once.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { Bus } from '../core/bus/index.js';
import { correlationInputTopic } from '../detections/engine/correlate.js';
import { exitOf, freePort, spawnVigil } from '../test/support/child.js';
import { cleanupTest } from '../test/support/cleanup.js';
import { testConfig } from '../test/support/config.js';
import { waitFor } from '../test/support/wait.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '20000' },
    seconds: { type: 'string', default: '30' },
    /** Sent first at the same rate and left out of the figures (JIT, first fetches, the engine's first events of a logsource); printed apart. */
    'warmup-seconds': { type: 'string', default: '5' },
    partitions: { type: 'string', default: '3' },
    /** Producer compression of every stage (the config's default is gzip; on loopback none is cheaper). */
    compression: { type: 'string', default: 'gzip' },
    /** A folder for a CPU profile of the vigil process (node --cpu-prof). */
    profile: { type: 'string' },
  },
});
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const WARMUP_S = Number(values['warmup-seconds']);
const TICK_MS = 50;
const PER_TICK = Math.round((RATE * TICK_MS) / 1000);

const RULES = `title: Bench Failed Login
id: 7c1d0e2a-5b3f-4a8e-9f10-3c2b1a0d9e01
name: bench_failed_login
status: test
logsource: { product: linux, service: sshd }
detection:
  selection: { event.outcome: failure, event.action: ssh_login }
  condition: selection
level: informational
---
title: Bench Five Failures
id: 7c1d0e2a-5b3f-4a8e-9f10-3c2b1a0d9e02
name: bench_five_failures
status: test
correlation:
  type: event_count
  rules: [bench_failed_login]
  group-by: [source.ip]
  timespan: 1m
  condition: { gte: 5 }
level: high
`;

const ipOf = (n: number): string => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

function event(seq: number, now: number): { key: string; value: string; ip?: string } {
  const host = `bench-host-${seq % 50}`;
  const ts = new Date(now).toISOString();
  if (seq % 10 !== 0) {
    return {
      key: host,
      value: JSON.stringify({
        '@timestamp': ts,
        message: `session ${seq} opened`,
        event: { kind: 'event', category: ['session'], action: 'session_opened', outcome: 'success' },
        process: { name: 'sshd' },
        host: { name: host },
        vigil: { id: `b-${seq}`, input: 'bench', received_at: ts, parse_status: 'ok' },
      }),
    };
  }
  const failure = seq / 10;
  const ip = ipOf(Math.floor(failure / 5));
  return {
    key: host,
    ip: failure % 5 === 4 ? ip : undefined,
    value: JSON.stringify({
      '@timestamp': ts,
      message: `Failed password for root from ${ip} port 4000 ssh2`,
      event: { kind: 'event', category: ['authentication'], action: 'ssh_login', outcome: 'failure' },
      process: { name: 'sshd' },
      user: { name: 'root' },
      source: { ip },
      host: { name: host },
      vigil: { id: `b-${seq}`, input: 'bench', received_at: ts, parse_status: 'ok' },
    }),
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/**
 * Where the slowest 1% of addresses lost their time: for each of them the stamped hops, and when
 * their fifth failure was sent (seconds into the measured run). Slow addresses sent close together point
 * at a stall of everything at once (a pause, a commit that took long); spread over the run, at
 * the hop that is slow on its own.
 */
function slowest(
  sent: Map<string, number>,
  input: Map<string, number>,
  alert: Map<string, number>,
  incident: Map<string, number>,
  t0: number,
): { share: Record<string, string>; sentAt: string } {
  const rows: Array<{ at: number; e2e: number; detect: number; correlate: number; incidents: number }> = [];
  for (const [ip, s] of sent) {
    if (s < t0) continue; // sent during the warm-up
    const i = input.get(ip);
    const a = alert.get(ip);
    const n = incident.get(ip);
    if (i === undefined || a === undefined || n === undefined) continue;
    rows.push({ at: s - t0, e2e: n - s, detect: i - s, correlate: a - i, incidents: n - a });
  }
  rows.sort((x, y) => y.e2e - x.e2e);
  const top = rows.slice(0, Math.max(1, Math.floor(rows.length / 100)));
  const total = top.reduce((t, r) => t + r.e2e, 0);
  const share = (k: 'detect' | 'correlate' | 'incidents') => `${Math.round((100 * top.reduce((t, r) => t + r[k], 0)) / total)}%`;
  // The seconds of the run the slow ones were sent in, with how many each.
  const bySecond = new Map<number, number>();
  for (const r of top) bySecond.set(Math.floor(r.at / 1000), (bySecond.get(Math.floor(r.at / 1000)) ?? 0) + 1);
  return {
    share: { detect: share('detect'), correlate: share('correlate'), incidents: share('incidents') },
    sentAt: [...bySecond]
      .sort((a, b) => a[0] - b[0])
      .map(([sec, n]) => `${sec}s×${n}`)
      .join(' '),
  };
}

/**
 * The event loop delay (over the run) and garbage collection (since start) of the Vigil process, from its
 * `/metrics` (prom-client's default metrics; the event loop figures cover the time since the
 * last scrape: the bench scrapes once before it sends, so they cover the run).
 */
async function vigilProcessStats(port: number): Promise<Record<string, string>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const value = (name: string, labels = ''): number => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
    return line === undefined ? NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
  };
  const ms = (seconds: number) => `${Math.round(seconds * 1000)} ms`;
  const out: Record<string, string> = {
    eventLoopDelayP50: ms(value('vigil_process_nodejs_eventloop_lag_p50_seconds')),
    eventLoopDelayP99: ms(value('vigil_process_nodejs_eventloop_lag_p99_seconds')),
    eventLoopDelayMax: ms(value('vigil_process_nodejs_eventloop_lag_max_seconds')),
  };
  for (const kind of ['minor', 'major', 'incremental']) {
    const sum = value('vigil_process_nodejs_gc_duration_seconds_sum', `{kind="${kind}"}`);
    const count = value('vigil_process_nodejs_gc_duration_seconds_count', `{kind="${kind}"}`);
    out[`gc ${kind}`] = `${count} pauses, ${ms(sum)} in all`;
  }
  return out;
}

async function main(): Promise<void> {
  const config = testConfig('bench-corrlat');
  config.kafka.partitions = Number(values.partitions);
  config.kafka.compression = values.compression === 'none' ? 'none' : 'gzip';
  const work = mkdtempSync(join(tmpdir(), 'vigil-bench-corrlat-'));
  const rules = join(work, 'rules');
  mkdirSync(rules);
  writeFileSync(join(rules, 'bench.yml'), RULES);
  const port = await freePort();
  const file = join(work, 'vigil.yaml');
  writeFileSync(
    file,
    stringify({
      ...config,
      inputs: [],
      playbooks: { ...config.playbooks, paths: [] },
      detections: { ...config.detections, rules: [rules], incidents: { groupBy: ['source.ip'] } },
      ops: { host: '127.0.0.1', port },
    }),
  );
  const bus = new Bus(config.kafka, 'bench-corrlat');
  await bus.provision();
  const log = join(work, 'vigil.log');
  const child = await spawnVigil(
    ['run', '--config', file, '--stage', 'detect'],
    log,
    undefined,
    values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : [],
  );
  try {
    await waitFor(
      `vigil healthy (log ${log})`,
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
        return res !== undefined && ((await res.json()) as { ok?: boolean }).ok === true;
      },
      120_000,
    );
    await new Promise((r) => setTimeout(r, 3000)); // let the groups settle

    const lastSent = new Map<string, number>();
    /** When Kafka acknowledged each address's fifth failure: the engine cannot see it before. */
    const lastAcked = new Map<string, number>();
    const seen = new Set<string>();
    // Where the time goes: when each hop's output became visible here, per address.
    const incidentSeen = new Map<string, number>();
    const alertSeen = new Map<string, number>();
    /** The last base alert of an address on the correlation input: its fifth failure's. */
    const inputSeen = new Map<string, number>();
    /** The Kafka timestamp of that base alert (detect's producer sets it when it sends). */
    const inputAt = new Map<string, number>();
    // The correlation alert's own record time splits the path in two.
    const alertAt = new Map<string, number>();
    const incidentAt = new Map<string, number>();
    const incidents = bus.consume('bench-corrlat-reader', {
      topics: [bus.topics.incidents],
      component: 'bench',
      handler: async (records) => {
        const visible = Date.now();
        for (const r of records) {
          const doc = JSON.parse(r.value.toString('utf8')) as { incident: { id: string; entities: { ips: string[] } } };
          if (seen.has(doc.incident.id)) continue;
          seen.add(doc.incident.id);
          const ip = doc.incident.entities.ips[0];
          if (ip !== undefined) incidentSeen.set(ip, visible);
          if (ip !== undefined) incidentAt.set(ip, r.timestamp);
        }
      },
    });
    const reader = await incidents;
    const fmt = (n: number) => `${Math.round(n)} ms`;
    const inputReader = await bus.consume('bench-corrlat-input', {
      topics: [correlationInputTopic(config.kafka.topicPrefix)],
      component: 'bench',
      handler: async (records) => {
        const visible = Date.now();
        for (const r of records) {
          const ip = (JSON.parse(r.value.toString('utf8')) as { event?: { source?: { ip?: string } } }).event?.source?.ip;
          if (ip === undefined) continue;
          inputSeen.set(ip, visible);
          if (r.timestamp > (inputAt.get(ip) ?? -Infinity)) inputAt.set(ip, r.timestamp);
        }
      },
    });
    const alertsReader = await bus.consume('bench-corrlat-alerts', {
      topics: [bus.topics.alerts],
      component: 'bench',
      handler: async (records) => {
        const visible = Date.now();
        for (const r of records) {
          const ip = (JSON.parse(r.value.toString('utf8')) as { source?: { ip?: string } }).source?.ip;
          if (ip === undefined || alertAt.has(ip)) continue;
          alertAt.set(ip, r.timestamp);
          alertSeen.set(ip, visible);
        }
      },
    });

    const producer = await bus.producer();
    await vigilProcessStats(port); // the event loop figures restart at each scrape: leave start-up out
    const total = RATE * (WARMUP_S + SECONDS);
    const t0 = Date.now();
    let seq = 0;
    const inFlight: Promise<unknown>[] = [];
    while (seq < total) {
      const due = t0 + Math.floor(seq / PER_TICK) * TICK_MS;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const now = Date.now();
      const batch = [];
      const fifth: string[] = [];
      for (let i = 0; i < PER_TICK && seq < total; i++, seq++) {
        const e = event(seq, now);
        batch.push({ key: e.key, value: e.value, timestamp: now });
        if (e.ip) fifth.push(e.ip);
      }
      for (const ip of fifth) lastSent.set(ip, now);
      inFlight.push(
        producer.send(bus.topics.events, batch).then(() => {
          const at = Date.now();
          for (const ip of fifth) lastAcked.set(ip, at);
        }),
      );
      if (inFlight.length > 20) await inFlight.shift();
    }
    await Promise.all(inFlight);
    const sendSeconds = (Date.now() - t0) / 1000;
    const measuredFrom = t0 + WARMUP_S * 1000;
    const expected = lastSent.size;
    await waitFor(`${expected} incidents`, async () => seen.size >= expected, 120_000, 500).catch((err: unknown) =>
      console.error(String(err)),
    );
    const vigilProcess = await vigilProcessStats(port);
    await reader.stop();
    await alertsReader.stop();
    await inputReader.stop();
    /** Per measured address (fifth failure sent after the warm-up; `warm`: during it), `to` − `from`, sorted. */
    const diffs = (from: Map<string, number>, to: Map<string, number>, warm = false): number[] => {
      const d: number[] = [];
      for (const [ip, t] of to) {
        const sent = lastSent.get(ip);
        if (sent === undefined || sent >= measuredFrom === warm) continue;
        const f = from.get(ip);
        if (f !== undefined) d.push(t - f);
      }
      return d.sort((a, b) => a - b);
    };
    const hop = (from: Map<string, number>, to: Map<string, number>) => {
      const d = diffs(from, to);
      return { p50: fmt(percentile(d, 50)), p99: fmt(percentile(d, 99)), max: fmt(d.at(-1) ?? NaN), n: d.length };
    };
    const latencies = diffs(lastSent, incidentAt);
    const fromAck = diffs(lastAcked, incidentAt);
    const toAlert = diffs(lastSent, alertAt);
    const alertToIncident = diffs(alertAt, incidentAt);
    const warm = diffs(lastSent, incidentAt, true);
    console.log(
      JSON.stringify({
        offeredRate: RATE,
        compression: config.kafka.compression,
        achievedRate: Math.round(total / sendSeconds),
        events: total,
        warmup: { seconds: WARMUP_S, addresses: warm.length, p50: fmt(percentile(warm, 50)), p99: fmt(percentile(warm, 99)) },
        measuredAddresses: latencies.length,
        incidentsExpected: expected,
        incidentsSeen: seen.size,
        p50: fmt(percentile(latencies, 50)),
        p90: fmt(percentile(latencies, 90)),
        p99: fmt(percentile(latencies, 99)),
        max: fmt(latencies.at(-1) ?? NaN),
        fromKafkaAck: { p50: fmt(percentile(fromAck, 50)), p99: fmt(percentile(fromAck, 99)), max: fmt(fromAck.at(-1) ?? NaN) },
        eventToAlert: { p50: fmt(percentile(toAlert, 50)), p99: fmt(percentile(toAlert, 99)) },
        alertToIncident: { p50: fmt(percentile(alertToIncident, 50)), p99: fmt(percentile(alertToIncident, 99)) },
        hops: {
          kafkaAck: hop(lastSent, lastAcked),
          detect: hop(lastAcked, inputSeen),
          correlate: hop(inputSeen, alertSeen),
          incidents: hop(alertSeen, incidentSeen),
        },
        stamped: {
          detect: hop(lastSent, inputAt),
          correlate: hop(inputAt, alertAt),
          incidents: hop(alertAt, incidentAt),
        },
        process: vigilProcess,
        slowest: slowest(lastSent, inputAt, alertAt, incidentAt, measuredFrom),
      }),
    );
  } finally {
    child.kill('SIGTERM');
    await exitOf(child);
    await bus.close();
    await cleanupTest(config);
  }
}

await main();
process.exit(0);
