/**
 * bench/playbook-kills: side effects of playbook runs while the worker process is SIGKILLed
 * again and again, on the local Redis. Goal: 0 lost and 0 duplicated.
 *
 *   node --import tsx bench/playbook-kills.ts [--kills 20] [--incidents 300] [--concurrency 8] [--lock-ms 1000]
 *
 * The worker is the real responder in a process of its own (started by `test/support/playbook-worker.ts`,
 * as `test/integration/playbook-crash.test.ts` starts it: step worker, sweeper, BullMQ on Redis, the
 * audit appended to a file), with a short BullMQ lock (`--lock-ms`) so that a dead worker's jobs
 * are taken over in about a second instead of the respond stage's 30 s. Every worker started
 * dispatches all `--incidents` again, as a restarted respond stage re-reads incidents it had not
 * committed: what was started must not start twice.
 *
 * Each incident runs three chained `http.request` steps (`idempotent: true`) against a local
 * target that answers after 20–300 ms and applies a side effect per (incident, step) the first
 * time it sees an Idempotency-Key, as a vendor API that honours the header does. While runs are
 * going, the worker is killed `--kills` times, each at a random point 0–1.5 s after it made its
 * first call, and a new one started at once. Prints, per kill, the calls in flight when it fell
 * and the recovery: `resumed` (kill → the next worker's first call: a new process started, its
 * lock lapsed) and `inFlightRedone` (kill → every call in flight at the kill made again with its
 * key, which waits behind the jobs queued before it); then lost side effects (an (incident,
 * step) never applied), duplicated ones (applied under two keys: the key did not hold across the
 * retry), calls sent again with their key (absorbed by the target), and how the runs ended.
 * Exits 1 when anything was lost or duplicated or a run did not succeed.
 */
import { parseArgs } from 'node:util';
import { listenLocal } from '../test/support/local-http.js';
import { workerScene, type PlaybookWorker } from '../test/support/playbook-worker.js';
import { waitFor } from '../test/support/wait.js';
import { spread } from './playbook-stage.js';
import { num } from './args.js';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '20' },
    incidents: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '8' },
    'lock-ms': { type: 'string', default: '1000' },
  },
});
const KILLS = num(values, 'kills');
const INCIDENTS = num(values, 'incidents');
const STEPS = ['a', 'b', 'c'];

/** The target: one side effect per (incident, step) path and Idempotency-Key; calls still unanswered. */
const applied = new Map<string, Set<string>>();
const inFlight = new Map<number, string>();
const seenAt = new Map<string, number[]>();
let calls = 0;
let resent = 0;
const target = await listenLocal((req, res) => {
  const id = ++calls;
  const key = String(req.headers['idempotency-key'] ?? `none-${id}`);
  const path = req.url ?? '';
  const keys = applied.get(path) ?? new Set<string>();
  if (keys.has(key)) resent++;
  keys.add(key);
  applied.set(path, keys);
  seenAt.set(key, [...(seenAt.get(key) ?? []), Date.now()]);
  inFlight.set(id, key);
  // The response closes when it was sent, or when the worker's connection went with the worker.
  res.on('close', () => inFlight.delete(id));
  setTimeout(
    () => {
      inFlight.delete(id);
      if (res.destroyed) return;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, path }));
    },
    20 + Math.floor(Math.random() * 280),
  );
});
const hookUrl = target.base;

const steps = STEPS.flatMap((ref, i) => [
  `  - ref: ${ref}`,
  ...(i > 0 ? [`    needs: [${STEPS[i - 1]}]`] : []),
  '    action: http.request',
  `    args: { url: "\${{ secrets.HOOK }}/effect/\${{ $.incident.id }}/${ref}", idempotent: true, timeout: 10s }`,
  '    retry: { attempts: 5, backoff: fixed, delay: 200ms }',
  '    timeout: 10s',
]);
const scene = await workerScene('bench-pbkill', {
  'kills.yml': [
    'id: kills',
    'secrets: [HOOK]',
    'trigger: { selection: { incident.severity: high }, condition: selection }',
    'steps:',
    ...steps,
    '',
  ].join('\n'),
});
const incidents = Array.from({ length: INCIDENTS }, (_, i) => ({
  incident: { id: `k-${i}`, severity: 'high', status: 'open', version: 1 },
}));

const worker = (): PlaybookWorker =>
  scene.start({
    secrets: { HOOK: hookUrl },
    incident: incidents,
    lockMs: num(values, 'lock-ms'),
    concurrency: num(values, 'concurrency'),
    logLevel: 'error',
    stderr: 'inherit',
  });
const audit = scene.audit;
const runsEnded = () =>
  new Map(
    audit()
      .filter((d) => d.event.action === 'playbook.run.ended')
      .map((d) => [d.vigil.playbook.run_id, d]),
  );

const kills: Array<{ at: number; inFlight: string[] }> = [];
try {
  const t0 = Date.now();
  let current = worker();
  for (let k = 0; k < KILLS; k++) {
    const before = calls;
    await waitFor('the worker to make a call', async () => calls > before, 60_000, 10);
    if (runsEnded().size >= INCIDENTS) break;
    await new Promise((r) => setTimeout(r, Math.random() * 1500));
    kills.push({ at: Date.now(), inFlight: [...inFlight.values()] });
    await current.kill();
    current = worker();
  }
  await waitFor(`${INCIDENTS} runs to end`, async () => runsEnded().size >= INCIDENTS, 600_000, 250).catch((err: unknown) =>
    console.error(String(err)),
  );
  const seconds = (Date.now() - t0) / 1000;

  const allCalls = [...seenAt.values()].flat();
  /** Kill → the next worker's first call: the work resumed. */
  const resumed = kills.map((kill) => Math.min(...allCalls.filter((t) => t > kill.at)) - kill.at);
  /** Kill → every call in flight at the kill made again with its key (behind whatever waited in the queue). */
  const redone = kills
    .filter((kill) => kill.inFlight.length > 0)
    .map((kill) => Math.max(...kill.inFlight.map((key) => (seenAt.get(key)?.find((t) => t > kill.at) ?? NaN) - kill.at)));
  let lost = 0;
  let duplicated = 0;
  for (const inc of incidents)
    for (const s of STEPS) {
      const keys = applied.get(`/effect/${inc.incident.id}/${s}`)?.size ?? 0;
      if (keys === 0) lost++;
      if (keys > 1) duplicated++;
    }
  const ends = [...runsEnded().values()];
  const statuses: Record<string, number> = {};
  for (const e of ends) statuses[e.vigil.playbook.status ?? '?'] = (statuses[e.vigil.playbook.status ?? '?'] ?? 0) + 1;
  const unknownSteps = audit().filter((d) => d.event.action === 'playbook.step.failed' && d.event.outcome === 'unknown').length;
  for (const [i, kill] of kills.entries())
    console.log(`kill ${i + 1}: ${kill.inFlight.length} calls in flight, work resumed after ${Math.round(resumed[i] ?? NaN)} ms`);
  console.log(
    JSON.stringify({
      kills: kills.length,
      lockMs: num(values, 'lock-ms'),
      workerConcurrency: num(values, 'concurrency'),
      incidents: INCIDENTS,
      sideEffectsExpected: INCIDENTS * STEPS.length,
      lost,
      duplicated,
      callsSentAgainWithTheirKey: resent,
      callsInFlightAtKills: kills.reduce((n, k) => n + k.inFlight.length, 0),
      resumed: spread(resumed.filter(Number.isFinite)),
      inFlightRedone: spread(redone.filter(Number.isFinite)),
      inFlightNeverRedone: redone.filter((r) => !Number.isFinite(r)).length,
      runs: statuses,
      stepsUnknown: unknownSteps,
      seconds: Math.round(seconds),
    }),
  );
  if (lost > 0 || duplicated > 0 || (statuses.succeeded ?? 0) !== INCIDENTS) process.exitCode = 1;
} finally {
  await scene.close();
  await target.close();
}
process.exit(process.exitCode ?? 0);
