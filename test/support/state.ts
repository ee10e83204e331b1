import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import type { Bus, InRecord } from '../../core/bus/index.js';
import type { KafkaConfig } from '../../core/config/index.js';
import { repartition, startStatefulProcessor, type ProcessFn, type Repartitioner, type StatefulProcessor } from '../../core/state/index.js';

/** An input event of the counting tests: `seq` is unique, `user` is what is counted. */
export interface CountEvent {
  seq: number;
  user: string;
  ts: number;
}

/** What the counting processor emits for every event: the running count of its user. */
export interface CountOutput {
  user: string;
  count: number;
  seq: number;
}

export const USERS = 13;
export const eventOf = (seq: number): CountEvent => ({ seq, user: `u${seq % USERS}`, ts: 1_700_000_000_000 + seq * 1000 });

/** Counts events per key, emits `{user, count, seq}` keyed by user for every event, feeds the watermark. */
export function countingProcess(out: string, delayMs = 0): ProcessFn<{ count: number }> {
  return async (batch, store, ctx) => {
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    const outputs = batch.map((r) => {
      const e = JSON.parse(r.value.toString('utf8')) as CountEvent;
      ctx.watermark.observe(e.ts);
      const count = (store.get(e.user)?.count ?? 0) + 1;
      store.set(e.user, { count });
      return { topic: out, key: e.user, value: JSON.stringify({ user: e.user, count, seq: e.seq } satisfies CountOutput) };
    });
    return { outputs };
  };
}

export interface CounterOptions {
  name: string;
  source: string;
  out: string;
  sessionTimeoutMs?: number;
  maxBytesPerPartition?: number;
  /** Sleep per batch in the processor, to keep a stream going long enough to stop it midway. */
  delayMs?: number;
}

export interface Counter {
  repartitioner: Repartitioner;
  processor: StatefulProcessor;
  close(): Promise<void>;
}

/** Repartition by user, then count: the topology of every state test (and of the runner). */
export async function startCounter(bus: Bus, o: CounterOptions): Promise<Counter> {
  const tuning = {
    sessionTimeoutMs: o.sessionTimeoutMs,
    heartbeatIntervalMs: o.sessionTimeoutMs ? 1000 : undefined,
    maxBytesPerPartition: o.maxBytesPerPartition,
  };
  const repartitioner = await repartition({
    bus,
    name: o.name,
    from: o.source,
    keyOf: (r) => (JSON.parse(r.value.toString('utf8')) as Partial<CountEvent>).user ?? null,
    ...tuning,
  });
  const processor = await startStatefulProcessor<{ count: number }>({
    bus,
    name: o.name,
    input: repartitioner.topic,
    process: countingProcess(o.out, o.delayMs),
    allowedLatenessMs: 5000,
    ...tuning,
  });
  return {
    repartitioner,
    processor,
    async close() {
      await repartitioner.close();
      await processor.close();
    },
  };
}

/** Writes events `from … from+n-1`, keyed by a host unrelated to the user (so that repartitioning matters). */
export async function produceEvents(bus: Bus, topic: string, from: number, n: number, chunk = 50): Promise<void> {
  const producer = await bus.producer();
  // Small sends make small record batches, hence small fetches: a stream that can be stopped midway.
  for (let start = from; start < from + n; start += chunk) {
    const records = Array.from({ length: Math.min(chunk, from + n - start) }, (_, i) => {
      const e = eventOf(start + i);
      return { key: `host-${e.seq % 7}`, value: JSON.stringify(e) };
    });
    await producer.send(topic, records);
  }
}

export const outputsOf = (records: InRecord[]): CountOutput[] => records.map((r) => JSON.parse(r.value.toString('utf8')) as CountOutput);

/**
 * What exactly-once means for the counter after `total` events 0…total-1: every event counted
 * once (each seq once), and for each user the counts 1…n exactly once (nothing lost, nothing
 * repeated, no count skipped).
 */
export function countProblems(outputs: CountOutput[], total: number): string[] {
  const problems: string[] = [];
  const seqs = new Map<number, number>();
  for (const o of outputs) seqs.set(o.seq, (seqs.get(o.seq) ?? 0) + 1);
  const dupSeqs = [...seqs].filter(([, n]) => n > 1);
  if (dupSeqs.length) problems.push(`${dupSeqs.length} events counted more than once, e.g. ${JSON.stringify(dupSeqs.slice(0, 5))}`);
  const missing = Array.from({ length: total }, (_, i) => i).filter((s) => !seqs.has(s));
  if (missing.length) problems.push(`${missing.length} events never counted, e.g. ${missing.slice(0, 5).join(',')}`);
  const byUser = new Map<string, number[]>();
  for (const o of outputs) {
    let list = byUser.get(o.user);
    if (!list) byUser.set(o.user, (list = []));
    list.push(o.count);
  }
  for (let u = 0; u < USERS; u++) {
    const user = `u${u}`;
    const expected = Math.floor(total / USERS) + (u < total % USERS ? 1 : 0);
    const counts = (byUser.get(user) ?? []).sort((a, b) => a - b);
    const ok = counts.length === expected && counts.every((c, i) => c === i + 1);
    if (!ok) {
      const dups = counts.filter((c, i) => i > 0 && counts[i - 1] === c);
      problems.push(
        `${user}: ${counts.length} outputs for ${expected} events, max count ${counts.at(-1) ?? 0}, duplicate counts ${JSON.stringify(dups.slice(0, 5))}`,
      );
    }
  }
  return problems;
}

/** Every topic under the test's prefix (repartition and changelog topics included). */
export async function deletePrefixedTopics(bus: Bus): Promise<void> {
  const prefix = bus.config.topicPrefix;
  const mine = (await bus.listTopics()).filter((t) => t.startsWith(prefix));
  if (mine.length) await bus.deleteTopics(mine).catch(() => undefined);
}

/** Configuration handed to `state-runner.ts` through the environment. */
export interface RunnerEnv {
  kafka: KafkaConfig;
  counter: CounterOptions;
}

/** Starts `test/support/state-runner.ts` as a real child process; its output goes to `logFile`. */
export function spawnCounter(env: RunnerEnv, logFile: string): ChildProcess {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/state-runner.ts'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // The test reads the runner's info lines ("runner ready"), whatever level the suite runs at.
    env: { ...process.env, VIGIL_LOG_LEVEL: 'info', VIGIL_STATE_RUNNER: JSON.stringify(env) },
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

/** Log lines (pino JSON) of a child with the given message. */
export function logLines(logFile: string, msg: string): Array<Record<string, unknown>> {
  let text = '';
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.includes(`"msg":"${msg}"`))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}
