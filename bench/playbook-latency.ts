/**
 * bench/playbook-latency: from an incident on `vigil.incidents` to its playbook's first step
 * started, at a steady incident rate, through a real `vigil run --stage respond` process on the
 * local Kafka and Redis (consume → dispatch → run and first step job in Redis → BullMQ worker →
 * step started).
 *
 *   node --import tsx bench/playbook-latency.ts [--rate 100] [--seconds 30] [--concurrency 4] [--steps 1]
 *
 * Every incident matches one playbook whose first step is a `transform` (no I/O), followed by
 * `--steps` - 1 more (the worker carries them too, and they queue with the next first steps). The latency of
 * an incident is the `@timestamp` of its `playbook.step.started` audit record (stamped by the
 * worker as it starts the step, before the action is called) minus the incident record's Kafka
 * timestamp (set by this process as it publishes). The audit trail is the measure because it is
 * the authoritative record of a step start: written once per attempt, before the action runs,
 * with a deterministic id, and it is what responders read; the run hash in Redis is working state
 * (its `began:` field is written once the call goes out, after the rate limit, and the hash
 * expires). `visible` adds the audit record reaching Kafka (its own Kafka timestamp). Both clocks
 * are this machine's. `incidentToRunStarted` splits the path: the dispatcher's audit of the
 * run's start (consume → run stored in Redis), before its first step job is taken. Prints p50/p90/p99/max, and runs started / expected.
 */
import { parseArgs } from 'node:util';
import { waitFor } from '../test/support/wait.js';
import { benchIncident, spread, startRespondStage } from './playbook-stage.js';
import { num } from './args.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '4' },
    steps: { type: 'string', default: '1' },
  },
});
const RATE = num(values, 'rate');
const SECONDS = num(values, 'seconds');
const TICK_MS = 50;
const RULE = 'bench-playbook-latency';

/** A first step, then `--steps` - 1 more chained after it: each is load the worker also carries. */
const PLAYBOOK = [
  'id: bench-latency',
  `trigger: { selection: { incident.rule.id: ${RULE} }, condition: selection }`,
  'rerun: never',
  'steps:',
  '  - ref: first',
  '    action: transform',
  "    args: { input: '${{ $.incident }}', fields: { id: $.id, ip: $.source.ip } }",
  ...Array.from({ length: num(values, 'steps') - 1 }, (_, i) => [
    `  - ref: s${i + 1}`,
    `    needs: [${i === 0 ? 'first' : `s${i}`}]`,
    '    action: transform',
    "    args: { input: '${{ $.steps.first }}', path: $.ip }",
  ]).flat(),
  '',
].join('\n');

const stage = await startRespondStage({
  name: 'bench-pblat',
  playbooks: { 'latency.yml': PLAYBOOK },
  concurrency: num(values, 'concurrency'),
});
try {
  const sentAt = new Map<string, number>();
  const total = RATE * SECONDS;
  const t0 = Date.now();
  const cpu0 = stage.cpuMs();
  const inFlight: Promise<unknown>[] = [];
  for (let seq = 0, tick = 0; seq < total; tick++) {
    const wait = t0 + tick * TICK_MS - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const now = Date.now();
    const batch = [];
    // As many as the rate allows by the end of this tick, so that a fractional rate per tick adds up.
    const due = Math.min(total, Math.floor((RATE * (tick + 1) * TICK_MS) / 1000));
    for (; seq < due; seq++) {
      const id = `lat-${seq}`;
      batch.push(benchIncident(id, RULE));
      sentAt.set(id, now);
    }
    if (batch.length === 0) continue;
    inFlight.push(stage.publish(batch, now));
    if (inFlight.length > 20) await inFlight.shift();
  }
  await Promise.all(inFlight);
  const sendSeconds = (Date.now() - t0) / 1000;
  const started = () => stage.audit.filter((a) => a.doc.event.action === 'playbook.step.started' && a.doc.vigil.playbook.step === 'first');
  await waitFor(`${total} first steps started`, async () => started().length >= total, 120_000, 250).catch((err: unknown) =>
    console.error(String(err)),
  );
  const cpuMs = stage.cpuMs() - cpu0;
  const toStart: number[] = [];
  const toVisible: number[] = [];
  const runs = new Set<string>();
  const toRun: number[] = [];
  for (const a of stage.audit) {
    const id = a.doc.vigil.incident?.id;
    const sent = id === undefined ? undefined : sentAt.get(id);
    if (a.doc.event.action === 'playbook.run.started' && sent !== undefined) toRun.push(Date.parse(a.doc['@timestamp']) - sent);
  }
  for (const a of started()) {
    const id = a.doc.vigil.incident?.id;
    const sent = id === undefined ? undefined : sentAt.get(id);
    if (sent === undefined || runs.has(id as string)) continue;
    runs.add(id as string);
    toStart.push(Date.parse(a.doc['@timestamp']) - sent);
    toVisible.push(a.kafkaTs - sent);
  }
  console.log(
    JSON.stringify({
      offeredRate: RATE,
      achievedRate: Math.round(total / sendSeconds),
      seconds: SECONDS,
      workerConcurrency: num(values, 'concurrency'),
      stepsPerRun: num(values, 'steps'),
      runsExpected: total,
      runsStarted: runs.size,
      incidentToFirstStepStarted: spread(toStart),
      incidentToStepStartedOnKafka: spread(toVisible),
      incidentToRunStarted: spread(toRun),
      // A backlog that grows shows as a later third slower than the first.
      p50ByThird: [0, 1, 2].map((i) => spread(toStart.slice((i * toStart.length) / 3, ((i + 1) * toStart.length) / 3)).p50),
      workerCpuPerIncident: `${(cpuMs / total).toFixed(2)} ms`,
      workerRssMiB: Math.round(stage.rss() / 2 ** 20),
    }),
  );
} finally {
  await stage.close();
}
process.exit(0);
