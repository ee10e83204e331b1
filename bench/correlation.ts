/**
 * bench/correlation: the pure correlation engine on one core (no Kafka, no JSON decoding).
 *
 *   node --expose-gc --import tsx bench/correlation.ts                 # everything
 *   node --expose-gc --import tsx bench/correlation.ts --only memory --keys 1000000
 *
 * Throughput: event_count (gte 10 per source.ip in 5m) and value_count (distinct user.name
 * gte 20 per source.ip in 5m) over `--keys` live groups (default 100 000), `--events` events
 * (default 2 000 000) spread over four minutes of event time, so that every group stays live.
 * Each changelog mode is measured: off, deferred (drained every 500 events, as a consumer
 * batch would), inline (a snapshot per event). Events are built beforehand (decoded from JSON,
 * as the detect stage has them); the figure covers process(): @timestamp parsing, group keys,
 * state, alerts, snapshots. It is given per CPU second of the process (GC threads included),
 * which a busy shared machine distorts less than the wall clock, and by the wall clock.
 *
 * Memory: `--keys` (default 1 000 000) groups with one to two events each in an event_count
 * correlation (`--type value_count`: the value_count one); prints RSS and heap after a full
 * GC, against the RSS before. Run it alone (`--only memory`) for a clean RSS.
 */
import { parseArgs } from 'node:util';
import type { EcsEvent } from '../core/event/index.js';
import { CorrelationEngine, type CorrelationEngineOptions } from '../detections/correlation/engine.js';
import { loadCorrelationText } from '../detections/correlation/load.js';
import { num } from './args.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    keys: { type: 'string' },
    events: { type: 'string', default: '2000000' },
    type: { type: 'string', default: 'event_count' },
  },
});

const RULES = `title: Failed login
id: bench-failed
name: failed
logsource: { product: linux }
detection:
  selection: { event.outcome: failure }
  condition: selection
---
title: Brute force
id: bench-count
correlation:
  type: event_count
  rules: [failed]
  group-by: [source.ip]
  timespan: 5m
  condition: { gte: 10 }
---
title: Spraying
id: bench-values
correlation:
  type: value_count
  rules: [failed]
  group-by: [source.ip]
  timespan: 5m
  condition: { field: user.name, gte: 20 }
`;

const set = loadCorrelationText(RULES, 'bench.yml');
if (set.errors.length > 0) throw new Error(set.errors.map((e) => e.describe()).join('\n'));
const byId = (id: string) => set.correlations.filter((c) => c.id === id);

const T0 = Date.parse('2026-11-22T10:00:00.000Z');
const ip = (k: number): string => `10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`;
const eventId = (i: number): string => `e${i.toString(36).padStart(19, '0')}`;

/** An event as the detect stage has it: decoded from JSON (so its strings are flat, as in production). */
function makeEvent(i: number, key: number, t: number, user: string): EcsEvent {
  return JSON.parse(JSON.stringify(buildEvent(i, key, t, user))) as EcsEvent;
}

function buildEvent(i: number, key: number, t: number, user: string): EcsEvent {
  return {
    '@timestamp': new Date(t).toISOString(),
    event: { kind: 'event', outcome: 'failure', action: 'ssh_login' },
    source: { ip: ip(key) },
    user: { name: user },
    host: { name: 'web-01' },
    vigil: { id: eventId(i), input: 'bench', received_at: '2026-11-22T10:00:00.000Z', parse_status: 'ok' },
  };
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(0)} MB`;

function throughput(): void {
  const keys = num(values, 'keys', 100_000);
  const total = num(values, 'events');
  const span = 240_000; // four minutes: inside the 5m timespan, so no group expires
  const events: EcsEvent[] = new Array(total);
  for (let i = 0; i < total; i++) {
    // Keys in a pseudo-random order; times increasing with small jitter (a little out of order).
    const key = (i * 7919) % keys;
    const t = T0 + Math.floor((i / total) * span) - (i % 7) * 13;
    events[i] = makeEvent(i, key, t, `user${(i * 31) % 50}`);
  }
  console.log(`throughput: ${total.toLocaleString()} events over ${keys.toLocaleString()} groups, ${span / 1000}s of event time`);
  for (const [name, corrs] of [
    ['event_count', byId('bench-count')],
    ['value_count', byId('bench-values')],
  ] as const) {
    for (const mode of ['off', 'deferred', 'inline'] as const) {
      // Best of three runs: the machine may be shared, and the first run warms the JIT up.
      let secs = Infinity;
      let cpu = Infinity;
      let fired = 0;
      let changes = 0;
      let engine: CorrelationEngine | undefined;
      for (let run = 0; run < 3; run++) {
        gc();
        const options: CorrelationEngineOptions = { changelog: mode, allowedLatenessMs: 60_000 };
        engine = new CorrelationEngine(corrs, options);
        fired = 0;
        changes = 0;
        const start = process.hrtime.bigint();
        const cpu0 = process.cpuUsage();
        for (let i = 0; i < total; i++) {
          const out = engine.process({ ruleId: 'bench-failed', event: events[i] as EcsEvent, partitionKey: 0 }, T0);
          fired += out.fired.length;
          changes += out.stateChanges.length;
          if (mode === 'deferred' && i % 500 === 499) changes += engine.drainChanges().length;
        }
        secs = Math.min(secs, Number(process.hrtime.bigint() - start) / 1e9);
        const used = process.cpuUsage(cpu0);
        cpu = Math.min(cpu, (used.user + used.system) / 1e6);
      }
      const stats = (engine as CorrelationEngine).stats();
      console.log(
        `  ${name.padEnd(12)} changelog=${mode.padEnd(9)} ${Math.round(total / cpu)
          .toLocaleString()
          .padStart(10)} events per CPU second` +
          ` (${Math.round(total / secs).toLocaleString()} by the wall clock; ${stats.keys.toLocaleString()} live groups, ${fired.toLocaleString()} alerts, ${changes.toLocaleString()} state changes)`,
      );
    }
  }
}

function memory(): void {
  const keys = num(values, 'keys', 1_000_000);
  gc();
  const before = process.memoryUsage();
  const type = values.type === 'value_count' ? 'value_count' : 'event_count';
  const corrs = byId(type === 'value_count' ? 'bench-values' : 'bench-count');
  const engine = new CorrelationEngine(corrs, { changelog: 'off', maxKeysPerCorrelation: keys + 1 });
  const span = 240_000;
  let i = 0;
  for (let k = 0; k < keys; k++) {
    // One event per group, and a second for every other group.
    engine.process({ ruleId: 'bench-failed', event: makeEvent(i++, k, T0 + Math.floor((k / keys) * span), 'root'), partitionKey: 0 }, T0);
    if (k % 2 === 0)
      engine.process(
        { ruleId: 'bench-failed', event: makeEvent(i++, k, T0 + Math.floor((k / keys) * span) + 1000, 'admin'), partitionKey: 0 },
        T0,
      );
  }
  gc();
  gc();
  const after = process.memoryUsage();
  const live = engine.stats().keys;
  console.log(`memory: ${live.toLocaleString()} live groups (${type}, ${i.toLocaleString()} events held)`);
  console.log(
    `  rss ${mb(after.rss)} (before ${mb(before.rss)}, +${mb(after.rss - before.rss)}); heap used ${mb(after.heapUsed)} (+${mb(after.heapUsed - before.heapUsed)}); ${Math.round((after.heapUsed - before.heapUsed) / live)} bytes of heap per group`,
  );
  if (live !== keys) throw new Error(`expected ${keys} live groups, got ${live}`);
}

if (!(globalThis as { gc?: unknown }).gc) console.log('(run with node --expose-gc for memory figures after a full GC)');
if (values.only === undefined || values.only === 'throughput') throughput();
if (values.only === undefined || values.only === 'memory') memory();
