/**
 * bench/playbook-throughput: what one respond worker process carries, through a real
 * `vigil run --stage respond` on the local Kafka and Redis (incidents published to
 * `vigil.incidents`, runs and steps on BullMQ, the audit read back from `vigil.actions`).
 *
 *   node --import tsx bench/playbook-throughput.ts --mode steps [--runs 100] [--steps 20] [--concurrency 16]
 *   node --import tsx bench/playbook-throughput.ts --mode concurrent [--runs 1000] [--concurrency 16]
 *
 * `steps`: `--runs` incidents at once, each starting a run of `--steps` chained `transform`
 * steps (no I/O: what is measured is the engine, Redis and the audit, not an action). Prints
 * steps/s from the first step started to the last step succeeded (audit `@timestamp`s), the
 * worker's CPU ms per step (dispatch and audit included), and the runs that ended. Long chains
 * over few runs keep the dispatch of the incidents (one at a time, `dispatchSeconds`: first to
 * last run started) a small part of the window.
 *
 * `concurrent`: `--runs` incidents whose run holds at an `approval` step. Once every approval is
 * requested, checks that all runs are in progress at once (the runs still going in Redis, no run
 * ended) and prints the worker's RSS and Redis's memory (used_memory, and the bytes of the
 * stage's own keys) against the idle baseline; then approves every run the way
 * `vigil playbook approve` does (RunControl: decision in Redis, the step job woken) and prints the
 * time from the first approval to the last run ended.
 */
import { parseArgs } from 'node:util';
import type { Redis } from 'ioredis';
import { RunControl, runIdOf } from '../playbooks/index.js';
import { RunStore, StepQueue } from '../playbooks/queue/index.js';
import { waitFor } from '../test/support/wait.js';
import { benchIncident, startRespondStage, type RespondStage } from './playbook-stage.js';
import { num } from './args.js';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'steps' },
    runs: { type: 'string' },
    steps: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '16' },
  },
});
const MODE = values.mode;
const CONCURRENCY = num(values, 'concurrency');
const MiB = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

function chain(id: string, rule: string, steps: number): string {
  const lines = [`id: ${id}`, `trigger: { selection: { incident.rule.id: ${rule} }, condition: selection }`, 'rerun: never', 'steps:'];
  for (let i = 0; i < steps; i++) {
    lines.push(`  - ref: s${i}`);
    if (i > 0) lines.push(`    needs: [s${i - 1}]`);
    lines.push('    action: transform');
    lines.push(`    args: { input: '\${{ $.incident }}', fields: { id: $.id, ip: $.source.ip, n: $.version } }`);
  }
  return `${lines.join('\n')}\n`;
}

async function stepsMode(): Promise<void> {
  const runs = num(values, 'runs', 100);
  const steps = num(values, 'steps');
  const rule = 'bench-playbook-steps';
  const stage = await startRespondStage({
    name: 'bench-pbsteps',
    playbooks: { 'steps.yml': chain('bench-steps', rule, steps) },
    concurrency: CONCURRENCY,
  });
  try {
    const cpu0 = stage.cpuMs();
    const incidents = Array.from({ length: runs }, (_, i) => benchIncident(`steps-${i}`, rule));
    for (let i = 0; i < incidents.length; i += 500) await stage.publish(incidents.slice(i, i + 500));
    await waitFor(`${runs} runs to end`, async () => stage.count('playbook.run.ended') >= runs, 600_000, 500).catch((err: unknown) =>
      console.error(String(err)),
    );
    const cpuMs = stage.cpuMs() - cpu0;
    const at = (action: string) => stage.audit.filter((a) => a.doc.event.action === action).map((a) => Date.parse(a.doc['@timestamp']));
    const starts = at('playbook.step.started');
    const done = at('playbook.step.succeeded');
    const seconds = (Math.max(...done) - Math.min(...starts)) / 1000;
    const ended = stage.audit.filter((a) => a.doc.event.action === 'playbook.run.ended');
    const runStarts = at('playbook.run.started');
    console.log(
      JSON.stringify({
        mode: 'steps',
        dispatchSeconds: Number(((Math.max(...runStarts) - Math.min(...runStarts)) / 1000).toFixed(2)),
        workerConcurrency: CONCURRENCY,
        runs,
        stepsPerRun: steps,
        stepsSucceeded: done.length,
        runsEnded: ended.length,
        runsSucceeded: ended.filter((a) => a.doc.vigil.playbook.status === 'succeeded').length,
        seconds: Number(seconds.toFixed(2)),
        stepsPerSecond: Math.round(done.length / seconds),
        workerCpuMsPerStep: Number((cpuMs / done.length).toFixed(2)),
        workerRssMiB: Math.round(stage.rss() / 2 ** 20),
      }),
    );
  } finally {
    await stage.close();
  }
}

/** used_memory of Redis, bytes. */
async function redisUsed(redis: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? NaN);
}

/** The bytes of every key under the stage's prefix (MEMORY USAGE, sampled in full). */
async function prefixBytes(stage: RespondStage): Promise<{ keys: number; bytes: number }> {
  let keys = 0;
  let bytes = 0;
  for await (const batch of stage.redis.scanStream({ match: `${stage.prefix}:*`, count: 1000 })) {
    for (const k of batch as string[]) {
      keys++;
      bytes += Number((await stage.redis.call('MEMORY', 'USAGE', k, 'SAMPLES', '0')) ?? 0);
    }
  }
  return { keys, bytes };
}

async function concurrentMode(): Promise<void> {
  const runs = num(values, 'runs', 1000);
  const rule = 'bench-playbook-hold';
  const playbook = [
    'id: bench-hold',
    `trigger: { selection: { incident.rule.id: ${rule} }, condition: selection }`,
    'rerun: never',
    'timeout: 2h',
    'steps:',
    '  - ref: hold',
    "    approval: { prompt: 'Go on with ${{ $.incident.id }}?', timeout: 1h, default: deny }",
    '  - ref: after',
    '    needs: [hold]',
    '    action: transform',
    "    args: { input: '${{ $.steps.hold }}', path: $.decision }",
  ].join('\n');
  const stage = await startRespondStage({ name: 'bench-pbhold', playbooks: { 'hold.yml': playbook }, concurrency: CONCURRENCY });
  const runStore = new RunStore(stage.redis, stage.prefix);
  const queue = new StepQueue(stage.redis, stage.prefix);
  const control = new RunControl(runStore, queue);
  try {
    const rss0 = stage.rss();
    const redis0 = await redisUsed(stage.redis);
    const keys0 = await prefixBytes(stage);
    const incidents = Array.from({ length: runs }, (_, i) => benchIncident(`hold-${i}`, rule));
    const t0 = Date.now();
    for (let i = 0; i < incidents.length; i += 500) await stage.publish(incidents.slice(i, i + 500));
    await waitFor(`${runs} approvals requested`, async () => stage.count('playbook.approval.requested') >= runs, 600_000, 250);
    const heldAfter = Date.now() - t0;
    // Every run in progress at once: still going in Redis, none ended, each waiting at its approval.
    const going = await stage.redis.zcard(`${stage.prefix}:playbook-runs:active`);
    const endedWhileHeld = stage.count('playbook.run.ended');
    const rssHeld = stage.rss();
    const redisHeld = await redisUsed(stage.redis);
    const keysHeld = await prefixBytes(stage);
    const allHeld = going === runs && endedWhileHeld === 0;

    const t1 = Date.now();
    for (let i = 0; i < runs; i += 50) {
      await Promise.all(
        incidents
          .slice(i, i + 50)
          .map((inc) =>
            control.decide(undefined, runIdOf('bench-hold', String(inc.incident.id)), 'hold', { decision: 'approved', by: 'bench' }),
          ),
      );
    }
    const decidedIn = Date.now() - t1;
    await waitFor(`${runs} runs to end`, async () => stage.count('playbook.run.ended') >= runs, 600_000, 100);
    const allDone = Date.now() - t1;
    const ended = stage.audit.filter((a) => a.doc.event.action === 'playbook.run.ended');
    console.log(
      JSON.stringify({
        mode: 'concurrent',
        workerConcurrency: CONCURRENCY,
        runs,
        allHeldAtOnce: allHeld,
        runsGoingInRedis: going,
        runsEndedWhileHeld: endedWhileHeld,
        publishToAllHeld: `${heldAfter} ms`,
        workerRss: { idle: MiB(rss0), held: MiB(rssHeld), perRun: `${((rssHeld - rss0) / runs / 1024).toFixed(1)} KiB` },
        redisUsedMemory: { idle: MiB(redis0), held: MiB(redisHeld) },
        stageKeys: {
          idle: keys0.keys,
          held: keysHeld.keys,
          heldBytes: MiB(keysHeld.bytes),
          perRun: `${((keysHeld.bytes - keys0.bytes) / runs / 1024).toFixed(1)} KiB`,
        },
        approveAll: `${decidedIn} ms`,
        firstApprovalToAllEnded: `${allDone} ms`,
        runsSucceeded: ended.filter((a) => a.doc.vigil.playbook.status === 'succeeded').length,
      }),
    );
    if (!allHeld) process.exitCode = 1;
  } finally {
    await queue.close();
    await stage.close();
  }
}

if (MODE === 'steps') await stepsMode();
else if (MODE === 'concurrent') await concurrentMode();
else throw new Error(`--mode steps | concurrent, not ${MODE}`);
process.exit(process.exitCode ?? 0);
