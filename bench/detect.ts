/**
 * Detection throughput and corpus load, on one core: all SigmaHQ rules (../shared/sigma/rules),
 * realistic mixed events (bench/detect-events.ts).
 *
 *   node --import tsx bench/detect.ts [--events 100000] [--naive 3000] [--rsigma PATH]
 *
 * Prints: corpus load time and RSS (in a fresh process), events/s with the prefilter index (over
 * events built in advance, and over batches of 500 decoded just before matching, as the stage does),
 * events/s evaluating every rule (the naive baseline, on a sample), and — when an rsigma binary
 * is found (--rsigma, $RSIGMA, or on PATH) — rsigma's time on the same rules and events.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EcsEvent } from '../core/event/index.js';
import { detectBatch, matchEvent, type Rules } from '../detections/engine/detect.js';
import { loadRuleSetFrom, ruleSetOf } from '../detections/engine/ruleset.js';
import { mixedEvents } from './detect-events.js';
import { arg, argNumber } from './args.js';

const CORPUS = process.env.SIGMA_CORPUS ?? fileURLToPath(new URL('../../shared/sigma/rules', import.meta.url));

if (process.argv.includes('--load-only')) {
  const t0 = performance.now();
  const { ruleset, errors } = loadRuleSetFrom([CORPUS], { pipeline: arg('pipeline', 'ecs') });
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ ms, rssMB: process.memoryUsage().rss / 2 ** 20, rules: ruleset.matchers.length, rejected: errors.length }));
  process.exit(0);
}

function measureLoad(): { ms: number; rssMB: number; rules: number; rejected: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--load-only'], { encoding: 'utf8' });
  return JSON.parse(r.stdout.trim().split('\n').pop() as string);
}

function run(rules: Rules, events: readonly EcsEvent[]): { ms: number; alerts: number } {
  let alerts = 0;
  const disabled = new Set<string>();
  const t0 = performance.now();
  for (let i = 0; i < events.length; i++)
    matchEvent(
      rules,
      events[i] as EcsEvent,
      disabled,
      () => alerts++,
      () => undefined,
    );
  return { ms: performance.now() - t0, alerts };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function main(): void {
  const n = argNumber('events', 100_000);
  const naiveN = argNumber('naive', 3_000);
  console.log(`corpus: ${CORPUS}`);
  const load = measureLoad();
  console.log(`load (fresh process): ${fmt(load.ms)} ms, RSS ${load.rssMB.toFixed(0)} MB, ${load.rules} rules, ${load.rejected} rejected`);

  const { ruleset, loaded } = loadRuleSetFrom([CORPUS]);
  const events = mixedEvents(n, 1);
  // Warm up: the JIT, and the index's plans (one per kind of event, built on first sight).
  const warmStart = performance.now();
  run(ruleset, events.slice(0, Math.min(20000, n)));
  console.log(`warm-up (JIT and ${ruleset.index?.stats().plans} index plans): ${fmt(performance.now() - warmStart)} ms`);

  const best = { ms: Infinity, alerts: 0 };
  for (let pass = 0; pass < 3; pass++) {
    const r = run(ruleset, events);
    if (r.ms < best.ms) Object.assign(best, r);
  }
  const indexed = (n / best.ms) * 1000;
  console.log(`prefilter: ${fmt(indexed)} events/s (${fmt(n)} events, ${fmt(best.alerts)} alerts, best of 3)`);
  // The stage matches a batch right after decoding it, while its objects are in the CPU cache;
  // the pass above walks 100k events built in advance (~140 MB), where the first read of each
  // event's objects misses the cache. Matching only is timed here too; decoding is not.
  const texts = events.map((e) => JSON.stringify(e));
  let warmMs = Infinity;
  for (let pass = 0; pass < 3; pass++) {
    let ms = 0;
    for (let i = 0; i < texts.length; i += 500) {
      const batch = texts.slice(i, i + 500).map((t) => JSON.parse(t) as EcsEvent);
      ms += run(ruleset, batch).ms;
    }
    warmMs = Math.min(warmMs, ms);
  }
  console.log(
    `prefilter on freshly decoded batches of 500 (as the detect stage gets them): ${fmt((n / warmMs) * 1000)} events/s, best of 3`,
  );
  let cands = 0;
  for (const e of events.slice(0, 20000)) cands += ruleset.candidates(e).length;
  const s = ruleset.index!.stats();
  console.log(
    `  ${(cands / Math.min(20000, n)).toFixed(1)} candidate rules per event of ${s.rules}; ${s.withClause} rules with a literal clause; ${s.plans} plans, automata ${(s.automatonBytes / 2 ** 20).toFixed(1)} MB`,
  );

  // The bus path: JSON records in, alerts and incidents out (decode, match, build).
  const records = texts.map((_, i) => ({
    topic: 'vigil.events',
    partition: 0,
    offset: String(i),
    key: null,
    value: Buffer.from(texts[i] as string),
    headers: {},
    timestamp: 0,
  }));
  detectBatch(ruleset, records.slice(0, 5000), new Set());
  const tb = performance.now();
  for (let i = 0; i < records.length; i += 500) detectBatch(ruleset, records.slice(i, i + 500), new Set());
  const busRate = (records.length / (performance.now() - tb)) * 1000;
  console.log(`bus path (detectBatch: JSON decode, match, alert and incident JSON): ${fmt(busRate)} events/s`);

  const naive = ruleSetOf(loaded, { prefilter: false });
  const sample = events.slice(0, naiveN);
  run(naive, sample.slice(0, 300));
  const nr = run(naive, sample);
  const naiveRate = (sample.length / nr.ms) * 1000;
  console.log(`naive (every rule on every event): ${fmt(naiveRate)} events/s (${fmt(sample.length)} events)`);
  console.log(`prefilter / naive: ${(indexed / naiveRate).toFixed(1)}x`);

  rsigma(texts, indexed);
}

/** rsigma on the same rules and events (their JSON texts), through its CLI, when a binary is at hand. */
function rsigma(events: readonly string[], indexedRate: number): void {
  const bin = arg('rsigma') ?? process.env.RSIGMA ?? 'rsigma';
  const probe = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    console.log(`rsigma: not run (no binary '${bin}': build it with \`cargo install rsigma\` and pass --rsigma PATH)`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  try {
    const file = join(dir, 'events.jsonl');
    writeFileSync(file, events.join('\n') + '\n');
    const one = join(dir, 'one.jsonl');
    writeFileSync(one, `${events[0]}\n`);
    const argsFor = (f: string): string[] =>
      (process.env.RSIGMA_ARGS ?? 'engine eval -r {rules} -e @{events} -p ecs_windows -q --no-stats --output-format ndjson')
        .split(' ')
        .map((a) => a.replace('{rules}', CORPUS).replace('{events}', f));
    const time = (f: string): { ms: number; out: string; err: string; status: number | null } => {
      const t0 = performance.now();
      const r = spawnSync(bin, argsFor(f), { encoding: 'utf8', maxBuffer: 1 << 30 });
      return { ms: performance.now() - t0, out: r.stdout, err: r.stderr, status: r.status };
    };
    const base = time(one);
    const all = time(file);
    if (all.status !== 0) {
      console.log(`rsigma: ${bin} ${argsFor(file).join(' ')} failed (exit ${all.status}): ${(all.err || all.out).slice(0, 400)}`);
      return;
    }
    const matches = all.out.split('\n').filter((l) => l.trim().startsWith('{')).length;
    const rate = (events.length / (all.ms - base.ms)) * 1000;
    console.log(
      `rsigma ${probe.stdout.trim()} (engine eval, pipeline ecs_windows, one process): ${fmt(rate)} events/s ` +
        `(${fmt(all.ms)} ms for all events less ${fmt(base.ms)} ms for one: load and start-up; JSON parsing included; ${fmt(matches)} matches)`,
    );
    console.log(
      `vigil prefilter / rsigma: ${(indexedRate / rate).toFixed(2)}x (vigil's figure excludes JSON parsing: see 'bus path' above)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
