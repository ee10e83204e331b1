/**
 * bench/capacity: the syslog rate the whole pipeline sustains on this machine, as a SOC sizes
 * hardware with. One `vigil run` child process (every stage: syslog TCP input with `auth: none`,
 * detect with the shipped Sigma rules and correlations — plus any `--rules` folder, e.g. the
 * SigmaHQ corpus bench/detect.ts reads —, incidents, respond with the shipped playbook against
 * a local webhook, the Elasticsearch sink) on the services of `vigil up`, with topics and
 * indices of its own, deleted after.
 *
 *   node --import tsx bench/capacity.ts [--rates 2000,5000,10000,20000,40000] [--step-seconds 600]
 *     [--rules ../shared/sigma/rules] [--soak] [--soak-seconds 3600] [--soak-rate N]
 *     [--layout one|stages] [--connections 2] [--sample-seconds 5] [--warmup-seconds 30] [--keep-going]
 *     [--es-batch N] [--es-concurrency N] [--progress-seconds 60]
 *
 * Each step of the ladder holds its rate (a realistic mix, bench/capacity-traffic.ts) for
 * `--step-seconds` and prints: the rate the sender achieved and what ingest took in, the lag of
 * every consumer group (max, at the end, and its growth over the step's last third), CPU in
 * cores (the pipeline — its main thread, where every stage's JavaScript runs, and its other
 * threads —, the broker, Elasticsearch, Redis, this sender, and the rest of the machine) and
 * the pipeline's RSS. A step is bounded when the sender was never pushed back, ingest kept up,
 * and no group's lag grew over the last third by more than two seconds of traffic. The ladder
 * stops at the first unbounded step (unless `--keep-going`), then prints the highest bounded
 * rate and events/s per core. `--soak` then holds half that rate (or `--soak-rate`) and prints
 * the growth of RSS and lag over it. `--layout stages` runs each stage as its own process
 * (`vigil run --stage …`) for the CPU split by stage.
 *
 * Figures depend on everything else the machine runs: the "rest of machine" column says how much that was.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { LOCAL_SYSLOG } from '../cli/local-config.js';
import type { VigilConfig } from '../cli/config/schema.js';
import { canConnect, exitOf, freePort, spawnVigil } from '../test/support/child.js';
import { cleanupTest } from '../test/support/cleanup.js';
import { testConfig } from '../test/support/config.js';
import { waitFor } from '../test/support/wait.js';
import { startWebhook } from '../test/support/webhook.js';
import { machineCpu, scrape, servicePid, slope, threadCpu, treeCpu, treeRssMB, type Scrape } from './capacity-probe.js';
import { startSender, type Sender } from './capacity-traffic.js';

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '2000,5000,10000,20000,40000' },
    'step-seconds': { type: 'string', default: '600' },
    rules: { type: 'string', multiple: true, default: [] },
    soak: { type: 'boolean', default: false },
    'soak-seconds': { type: 'string' },
    'soak-rate': { type: 'string' },
    layout: { type: 'string', default: 'one' },
    connections: { type: 'string', default: '2' },
    'sample-seconds': { type: 'string', default: '5' },
    'warmup-seconds': { type: 'string', default: '30' },
    'keep-going': { type: 'boolean', default: false },
    'es-batch': { type: 'string' },
    'es-concurrency': { type: 'string' },
    /** A line of RSS, load and total lag every this many seconds while a rate is held (0: none). */
    'progress-seconds': { type: 'string', default: '60' },
  },
});
const RATES = values.rates.split(',').map(Number);
const STEP_S = Number(values['step-seconds']);
const SAMPLE_S = Number(values['sample-seconds']);
const SOAK_S = values['soak-seconds'] !== undefined ? Number(values['soak-seconds']) : values.soak || values['soak-rate'] ? 3600 : 0;
const LAYOUT = values.layout === 'stages' ? 'stages' : 'one';
const CORES = (await import('node:os')).availableParallelism();

interface Proc {
  name: string;
  child: ChildProcess;
  ops: number;
}

interface Sample {
  t: number;
  written: number;
  behind: number;
  metrics: Scrape;
  rssMB: number;
  cpu: Map<string, number>;
}

const fmt = (n: number, d = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '—';
const sum = (m: Map<string, number>): number => [...m.values()].reduce((s, v) => s + v, 0);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function startPipeline(config: VigilConfig, dir: string, tcpPort: number): Promise<Proc[]> {
  const stages = LAYOUT === 'one' ? [undefined] : (['sink', 'respond', 'detect', 'ingest'] as const);
  const procs: Proc[] = [];
  for (const stage of stages) {
    const name = stage ?? 'vigil run';
    const ops = await freePort();
    const file = join(dir, `${stage ?? 'all'}.yaml`);
    writeFileSync(file, stringify({ ...config, ops: { ...config.ops, port: ops } }));
    const args = ['run', '--config', file, ...(stage ? ['--stage', stage] : [])];
    const child = await spawnVigil(args, join(dir, `${stage ?? 'all'}.log`));
    procs.push({ name, child, ops });
    const exited = exitOf(child).then((code) => {
      throw new Error(`vigil ${args.join(' ')} exited with ${code} (log in ${dir})`);
    });
    exited.catch(() => undefined);
    await Promise.race([
      exited,
      waitFor(
        `${name} to be up (log in ${dir})`,
        async () => {
          if (stage === undefined || stage === 'ingest') if (!(await canConnect(tcpPort))) return false;
          const res = await fetch(`http://127.0.0.1:${ops}/health/live`).catch(() => undefined);
          return res?.ok === true;
        },
        300_000,
        250,
      ),
    ]);
  }
  return procs;
}

const SERVICES = ['kafka', 'elasticsearch', 'redis'] as const;

function cpuNow(procs: readonly Proc[]): Map<string, number> {
  const cpu = new Map<string, number>();
  for (const p of procs) {
    const pid = p.child.pid as number;
    if (LAYOUT === 'one') {
      const threads = threadCpu(pid);
      const main = threads.get(pid) ?? 0;
      cpu.set('pipeline: main thread', main);
      cpu.set('pipeline: other threads', [...threads.values()].reduce((s, v) => s + v, 0) - main);
      cpu.set('  of which the busiest one', Math.max(0, ...[...threads].filter(([t]) => t !== pid).map(([, v]) => v)));
    } else cpu.set(`stage ${p.name}`, treeCpu(pid));
  }
  for (const s of SERVICES) {
    const pid = servicePid(s);
    cpu.set(s, pid ? treeCpu(pid) : NaN);
  }
  const own = process.cpuUsage();
  cpu.set('sender (this process)', (own.user + own.system) / 1e6);
  const m = machineCpu();
  cpu.set('machine busy', m.busy);
  return cpu;
}

async function sample(procs: readonly Proc[], sender: Sender, t0: number): Promise<Sample> {
  const metrics: Scrape = { lag: new Map(), received: new Map(), sent: new Map() };
  for (const p of procs) await scrape(p.ops, metrics);
  const rssMB = procs.reduce((s, p) => s + treeRssMB(p.child.pid as number), 0);
  return { t: (performance.now() - t0) / 1000, written: sender.written, behind: sender.behind, metrics, rssMB, cpu: cpuNow(procs) };
}

/** Holds the sender's current rate for `seconds`, sampling every SAMPLE_S. */
async function hold(procs: readonly Proc[], sender: Sender, seconds: number, t0: number): Promise<Sample[]> {
  const out = [await sample(procs, sender, t0)];
  const end = performance.now() + seconds * 1000;
  const every = Number(values['progress-seconds']);
  let shown = out[0]!.t;
  while (performance.now() < end) {
    await sleep(Math.min(SAMPLE_S * 1000, Math.max(0, end - performance.now())));
    const s = await sample(procs, sender, t0);
    out.push(s);
    // A long hold (the soak) shows its course as it goes, so a late failure does not lose it.
    if (every > 0 && s.t - shown >= every) {
      shown = s.t;
      console.log(
        `  t ${fmt(s.t).padStart(6)} s  RSS ${fmt(s.rssMB).padStart(6)} MB  lag ${fmt(sum(s.metrics.lag)).padStart(8)}  load ${loadavg()[0]!.toFixed(1)}`,
      );
    }
  }
  return out;
}

interface StepResult {
  rate: number;
  bounded: boolean;
  cores: Map<string, number>;
  pipelineCores: number;
}

function ingestRate(a: Sample, b: Sample): number {
  // What the syslog input handed on to Kafka (the input counts an event sent once Kafka acknowledged it).
  return ((b.metrics.sent.get('input') ?? NaN) - (a.metrics.sent.get('input') ?? NaN)) / (b.t - a.t);
}

function report(rate: number, samples: Sample[], webhookCalls: number, groupPrefix: string): StepResult {
  const first = samples[0] as Sample;
  const last = samples.at(-1) as Sample;
  const dur = last.t - first.t;
  const sentRate = (last.written - first.written) / dur;
  const behind = last.behind - first.behind;
  const ingested = ingestRate(first, last);
  const third = samples.filter((s) => s.t >= last.t - dur / 3);
  const groups = [...new Set(samples.flatMap((s) => [...s.metrics.lag.keys()]))].sort();
  const allowance = Math.max(1000, rate * 2);
  let lagBounded = true;
  const lagRows = groups.map((g) => {
    const series = samples.map((s) => s.metrics.lag.get(g) ?? 0);
    const growth = slope(third.map((s) => [s.t, s.metrics.lag.get(g) ?? 0] as const)) * (dur / 3);
    if (growth > allowance) lagBounded = false;
    return `    ${g.replace(groupPrefix, '').padEnd(30)} max ${fmt(Math.max(...series)).padStart(10)}  end ${fmt(series.at(-1) ?? 0).padStart(10)}  last-third growth ${fmt(growth).padStart(10)}`;
  });
  const kept = behind <= rate * 0.005 * dur && (!Number.isFinite(ingested) || ingested >= rate * 0.97);
  const bounded = lagBounded && kept && groups.length > 0;
  const cores = new Map<string, number>();
  for (const [k, v] of last.cpu) cores.set(k, (v - (first.cpu.get(k) ?? 0)) / dur);
  const pipelineCores = [...cores].filter(([k]) => k.startsWith('pipeline:') || k.startsWith('stage ')).reduce((s, [, v]) => s + v, 0);
  const known = pipelineCores + SERVICES.reduce((s, k) => s + (cores.get(k) || 0), 0) + (cores.get('sender (this process)') ?? 0);
  const rss = samples.map((s) => s.rssMB);

  console.log(`\n== ${fmt(rate)} events/s for ${fmt(dur)} s: ${bounded ? 'BOUNDED' : 'NOT BOUNDED'}`);
  console.log(`  sender: ${fmt(sentRate)} lines/s written, ${fmt(behind)} not written (input pushed back)`);
  console.log(`  ingest → Kafka: ${fmt(ingested)} events/s; playbook webhook calls: ${fmt(webhookCalls)}`);
  console.log(`  consumer lag (records, summed over partitions; allowed growth ${fmt(allowance)}):`);
  for (const r of lagRows) console.log(r);
  if (groups.length === 0) console.log('    (no vigil_consumer_lag on /metrics: cannot judge)');
  console.log('  CPU (cores = CPU seconds per second):');
  for (const [k, v] of cores) if (k !== 'machine busy') console.log(`    ${k.padEnd(28)} ${fmt(v, 2).padStart(6)}`);
  console.log(
    `    ${'rest of machine (others)'.padEnd(28)} ${fmt((cores.get('machine busy') ?? 0) - known, 2).padStart(6)}   (machine busy ${fmt(cores.get('machine busy') ?? 0, 2)} of ${CORES})`,
  );
  console.log(`  pipeline RSS: start ${fmt(rss[0] ?? 0)} MB, end ${fmt(rss.at(-1) ?? 0)} MB, max ${fmt(Math.max(...rss))} MB`);
  console.log(
    `  lag over time (all groups, every ~${Math.max(1, Math.round(samples.length / 12)) * SAMPLE_S} s): ${samples
      .filter((_, i) => i % Math.max(1, Math.round(samples.length / 12)) === 0)
      .map((s) => fmt(sum(s.metrics.lag)))
      .join(' ')}`,
  );
  return { rate, bounded, cores, pipelineCores };
}

function soakReport(rate: number, samples: Sample[], groupPrefix: string): void {
  // The first tenth is warm-up (heap growth to its working size, caches, state filling its windows).
  const last = samples.at(-1) as Sample;
  const steady = samples.filter((s) => s.t >= samples[0]!.t + (last.t - samples[0]!.t) / 10);
  const perHour = 3600;
  console.log(`\n== soak at ${fmt(rate)} events/s for ${fmt(last.t - samples[0]!.t)} s (slopes over the last nine tenths)`);
  console.log(
    `  RSS: start ${fmt(samples[0]!.rssMB)} MB, end ${fmt(last.rssMB)} MB, slope ${fmt(slope(steady.map((s) => [s.t, s.rssMB] as const)) * perHour, 1)} MB/h`,
  );
  const groups = [...new Set(samples.flatMap((s) => [...s.metrics.lag.keys()]))].sort();
  for (const g of groups)
    console.log(
      `  lag ${g.replace(groupPrefix, '').padEnd(30)} end ${fmt(last.metrics.lag.get(g) ?? 0).padStart(9)}  slope ${fmt(slope(steady.map((s) => [s.t, s.metrics.lag.get(g) ?? 0] as const)) * perHour).padStart(10)} records/h`,
    );
  const first = samples[0] as Sample;
  console.log(
    `  sender: ${fmt((last.written - first.written) / (last.t - first.t))} lines/s, ${fmt(last.behind - first.behind)} not written`,
  );
}

async function main(): Promise<void> {
  const webhook = await startWebhook(0);
  const config = testConfig('bench-capacity', { SOC_WEBHOOK_URL: webhook.url });
  const tcpPort = await freePort();
  config.inputs = [{ ...LOCAL_SYSLOG, id: 'syslog-tcp', protocol: 'tcp', port: tcpPort }] as unknown as VigilConfig['inputs'];
  config.ops = {
    ...config.ops,
    health: { maxConsumerLag: 0, lagIntervalMs: Math.max(1000, SAMPLE_S * 1000), checkTimeoutMs: 2000 },
  } as VigilConfig['ops'];
  for (const r of values.rules) if (!existsSync(r)) throw new Error(`--rules ${r}: no such file or folder`);
  config.detections = { ...config.detections, rules: ['rules/sigma', 'rules/correlation', ...values.rules] };
  // The Elasticsearch sink's bulk size and requests in flight, when the ladder is to show what they change.
  config.sinks = config.sinks.map((s) =>
    s.type !== 'elasticsearch'
      ? s
      : {
          ...s,
          ...(values['es-batch'] !== undefined ? { batchSize: Number(values['es-batch']) } : {}),
          ...(values['es-concurrency'] !== undefined ? { concurrency: Number(values['es-concurrency']) } : {}),
        },
  ) as VigilConfig['sinks'];
  const dir = mkdtempSync(join(tmpdir(), 'vigil-capacity-'));
  console.log(`bench/capacity: layout ${LAYOUT}, rules ${config.detections.rules.join(', ')}, ${CORES} cores, steps of ${STEP_S} s`);
  let procs: Proc[] = [];
  let sender: Sender | undefined;
  let failed = false;
  try {
    procs = await startPipeline(config, dir, tcpPort);
    sender = await startSender(tcpPort, Number(values.connections));
    const t0 = performance.now();
    const warm = Number(values['warmup-seconds']);
    if (warm > 0) {
      console.log(`warm-up: ${warm} s at ${fmt(RATES[0] ?? 1000)} events/s (not measured)`);
      sender.setRate(RATES[0] ?? 1000);
      await sleep(warm * 1000);
    }
    const results: StepResult[] = [];
    for (const rate of RATES) {
      sender.setRate(rate);
      webhook.calls.length = 0;
      const r = report(rate, await hold(procs, sender, STEP_S, t0), webhook.calls.length, `${config.kafka.groupPrefix}-`);
      results.push(r);
      if (!r.bounded && !values['keep-going']) break;
    }
    const best = results.filter((r) => r.bounded).sort((a, b) => b.rate - a.rate)[0];
    console.log('\n== summary');
    console.log(`  ${'rate'.padStart(8)}  bounded  pipeline cores  events/s per pipeline core`);
    for (const r of results)
      console.log(
        `  ${fmt(r.rate).padStart(8)}  ${(r.bounded ? 'yes' : 'no').padEnd(7)}  ${fmt(r.pipelineCores, 2).padStart(14)}  ${fmt(r.rate / r.pipelineCores).padStart(10)}`,
      );
    if (best) {
      const all = best.pipelineCores + SERVICES.reduce((s, k) => s + (best.cores.get(k) || 0), 0);
      console.log(`  highest rate with bounded lag: ${fmt(best.rate)} events/s`);
      console.log(
        `  per core: ${fmt(best.rate / best.pipelineCores)} events/s per core of the Vigil process(es); ${fmt(best.rate / all)} per core with broker, Elasticsearch and Redis; ${fmt(best.rate / CORES)} per core of this ${CORES}-core machine`,
      );
    } else console.log('  no step had bounded lag');
    const soakRate = values['soak-rate'] ? Number(values['soak-rate']) : best ? best.rate / 2 : 0;
    if (SOAK_S > 0 && soakRate > 0) {
      sender.setRate(soakRate);
      soakReport(soakRate, await hold(procs, sender, SOAK_S, t0), `${config.kafka.groupPrefix}-`);
    }
  } catch (err) {
    failed = true;
    console.error(`pipeline logs kept in ${dir}`);
    throw err;
  } finally {
    await sender?.close();
    for (const p of [...procs].reverse()) {
      if (p.child.exitCode !== null || p.child.signalCode !== null) continue;
      p.child.kill('SIGTERM');
      const timer = setTimeout(() => p.child.kill('SIGKILL'), 30_000);
      await exitOf(p.child);
      clearTimeout(timer);
    }
    await cleanupTest(config).catch(() => undefined);
    await webhook.close();
    if (!failed) rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
