/**
 * `vigil replay --threads N`: the main thread reads the range from Kafka and hands each batch
 * of record values (one transferred buffer) to the next of N worker threads in turn
 * (worker.ts); what they send back is taken in the order the batches were handed out, so
 * alerts, rule errors, unreadable records and the events kept for the correlations come out
 * as one thread would have made them (a range too small to be worth starting workers for goes
 * through the same steps on this thread). A rule that throws is disabled by the thread it threw
 * on; its alerts from batches after that one are dropped here, as one thread would not have
 * raised them.
 */
import { Worker } from 'node:worker_threads';
import type { Bus, InRecord } from '../../core/bus/index.js';
import type { EcsEvent } from '../../core/event/index.js';
import { VigilError } from '../../core/errors/index.js';
import type { Origin, RetroHunt } from '../../detections/engine/retro.js';
import { packFrames, unpackValues } from '../../ingest/workers/codec.js';
import type { ToolIo } from '../io.js';
import { readRecordRange, SHOWN_UNREADABLE, unreadableLine, type EventRangeRead, type TimeRange } from '../kafka-range.js';
import { matchBatch } from './match.js';
import type { ReplayBatch, ReplayReply, ReplayResults, ReplayWorkerData } from './protocol.js';

/** An alert of the replay: what the summary, Kafka and incidents need, and its JSON text. */
export interface ReplayAlert {
  id: string;
  rule: string;
  title: string;
  level: string;
  /** `@timestamp`. */
  time: string;
  json: Buffer;
  /** The alert itself when it is at hand (made on this thread); parsed from `json` otherwise. */
  doc?: EcsEvent;
}

interface Slot {
  worker: Worker;
  /** Why the worker is gone, once it is: later batches fail at once rather than wait for it. */
  gone?: string;
  pending: Map<number, { resolve: (r: ReplayResults) => void; reject: (err: Error) => void }>;
}

/** `size` replay workers, each with the rules loaded once; batches go to them in turn. */
export function createReplayPool(
  size: number,
  data: ReplayWorkerData,
  script: URL = new URL('./bootstrap.mjs', import.meta.url),
): { run(records: readonly InRecord[]): Promise<ReplayResults>; close(): Promise<void> } {
  let nextId = 0;
  let closing = false;
  const fail = (slot: Slot, why: string): void => {
    slot.gone = why;
    for (const p of slot.pending.values()) p.reject(new VigilError('SERVICE_UNAVAILABLE', `replay worker ${why}`));
    slot.pending.clear();
  };
  const slots: Slot[] = Array.from({ length: size }, () => {
    const worker = new Worker(script, { workerData: data, execArgv: [] });
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (reply: ReplayReply) => {
      const p = slot.pending.get(reply.id);
      if (!p) return;
      slot.pending.delete(reply.id);
      if ('error' in reply) p.reject(new VigilError('SERVICE_UNAVAILABLE', `replay worker failed a batch: ${reply.error}`));
      else p.resolve(reply.results);
    });
    worker.on('error', (err) => fail(slot, `crashed: ${String(err)}`));
    worker.on('exit', (code) => {
      if (!closing) fail(slot, `exited (code ${code})`);
    });
    return slot;
  });
  return {
    run(records) {
      const slot = slots[nextId % size] as Slot;
      const id = nextId++;
      if (slot.gone) return Promise.reject(new VigilError('SERVICE_UNAVAILABLE', `replay worker ${slot.gone}`));
      const packed = packFrames(records.map((r) => ({ raw: r.value, peer: '' })));
      const batch: ReplayBatch = { id, records: packed };
      return new Promise<ReplayResults>((resolve, reject) => {
        slot.pending.set(id, { resolve, reject });
        slot.worker.postMessage(batch, [packed.bytes]);
      });
    },
    async close() {
      closing = true;
      await Promise.all(
        slots.map(async (s) => {
          if (s.gone) return;
          const exited = new Promise<void>((resolve) => s.worker.once('exit', () => resolve()));
          s.worker.postMessage('close');
          // A worker stuck in a batch is not waited for.
          const timer = setTimeout(() => void s.worker.terminate(), 5000);
          await exited;
          clearTimeout(timer);
        }),
      );
    },
  };
}

export interface ThreadedMatchOptions {
  range: TimeRange;
  io: ToolIo;
  threads: number;
  /**
   * Workers are started only for a range of at least this many records; a smaller one is
   * matched on this thread (starting a worker costs about a second of CPU). Default 0.
   */
  minRecords?: number;
  worker: ReplayWorkerData;
  /** Keeps the events the correlations need; its `correlate` runs once the read is done. */
  retro: RetroHunt;
  detail: () => string;
  /** The alerts of one batch, in stream order; awaited before the next batch's. */
  publish: (alerts: ReplayAlert[]) => Promise<void>;
}

/** Reads `topic`'s range and matches it on worker threads; resolves once every batch is published. */
export async function matchOnThreads(bus: Bus, topic: string, opts: ThreadedMatchOptions): Promise<EventRangeRead> {
  const { io, retro } = opts;
  let pool: ReturnType<typeof createReplayPool> | undefined;
  const disabled = new Set<string>();
  let events = 0;
  let unreadable = 0;
  const where = (r: InRecord): Origin => ({ where: `${r.partition}@${r.offset}` });

  const take = async (records: InRecord[], results: ReplayResults): Promise<void> => {
    for (const u of results.unreadable)
      if (++unreadable <= SHOWN_UNREADABLE) io.err(unreadableLine(records[u.index] as InRecord, u.reason));
    events += records.length - results.unreadable.length;
    // Copied out of the worker's buffer, which has room to spare: every alert is kept until the incidents are built.
    const used = results.alertEnds.at(-1) ?? 0;
    const values = Buffer.allocUnsafeSlow(used);
    values.set(new Uint8Array(results.alerts, 0, used));
    const texts = unpackValues({ values: values.buffer as ArrayBuffer, valueEnds: results.alertEnds });
    // Rules disabled by an earlier batch raise nothing here; this batch's errors come after.
    const alerts: ReplayAlert[] = [];
    texts.forEach((json, i) => {
      const [id, rule, title, level, time] = results.alertMeta[i] as ReplayResults['alertMeta'][number];
      if (!disabled.has(rule)) alerts.push({ id, rule, title, level, time, json });
    });
    for (const e of results.ruleErrors) {
      if (disabled.has(e.rule)) continue;
      disabled.add(e.rule);
      const r = records[e.index] as InRecord;
      io.err(`rule ${e.rule} threw on ${r.partition}@${r.offset} and is disabled: ${e.message}`);
    }
    const kept = unpackValues({ values: results.kept, valueEnds: results.keptEnds });
    kept.forEach((text, i) => {
      const r = records[results.keptRecords[i] as number] as InRecord;
      retro.keep(JSON.parse(text.toString('utf8')) as EcsEvent, where(r), results.keptTimes[i] as number);
    });
    await opts.publish(alerts);
  };

  // Batches handed out and not yet taken, oldest first: enough to keep every thread busy.
  const inFlight: Array<{ records: InRecord[]; results: Promise<ReplayResults> }> = [];
  const takeOldest = async (): Promise<void> => {
    const next = inFlight.shift();
    if (next) await take(next.records, await next.results);
  };
  try {
    const read = await readRecordRange(bus, topic, {
      range: opts.range,
      io,
      detail: () => `${events} event${events === 1 ? '' : 's'}  ${opts.detail()}`,
      onPlan: (total) => {
        if (total >= (opts.minRecords ?? 0)) pool = createReplayPool(opts.threads, opts.worker);
      },
      onRecords: async (records) => {
        const results = pool
          ? pool.run(records)
          : Promise.resolve(
              matchBatch(
                retro,
                records.map((r) => r.value),
              ),
            );
        // Taken in order later; a failure meanwhile must not count as unhandled.
        results.catch(() => undefined);
        inFlight.push({ records, results });
        while (inFlight.length > opts.threads * 2) await takeOldest();
      },
    });
    while (inFlight.length > 0) await takeOldest();
    return { topic, range: opts.range, partitions: read.partitions, events, unreadable };
  } finally {
    await pool?.close();
  }
}
