/**
 * A time range of a topic, read for a tool (`vigil replay`, `vigil rules backtest --from-kafka`,
 * `vigil fields --from`): `--from`/`--to` parsed and checked, then the records Kafka received in
 * [from, to), parsed as events. The offsets come from the broker's time index per partition and
 * the end offsets are fixed when the read starts, so a topic still being written to does not
 * keep the read going (core/bus/range.ts). A record that is not an event is reported with where
 * it is and counted, never matched; a terminal gets a progress bar counted per partition.
 */
import type { Bus, InRecord } from '../core/bus/index.js';
import { errorMessage, VigilError } from '../core/errors/index.js';
import type { EcsEvent } from '../core/event/index.js';
import { progressBar, type ToolIo } from './io.js';

export const TIME_USAGE = '  TIME: an ISO 8601 time (2026-11-21T08:00:00Z), now, or now-<n><s|m|h|d> (now-2h)';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `now`, `now-90m`, or an ISO 8601 time with a zone → epoch ms; `usage` follows the error. */
export function parseTime(text: string, now: Date, flag: string, usage = TIME_USAGE): number {
  const rel = /^now(?:-(\d+)([smhd]))?$/.exec(text.trim());
  if (rel) return now.getTime() - (rel[1] ? Number(rel[1]) * (UNIT_MS[rel[2] as string] as number) : 0);
  const t = /(?:Z|[+-]\d\d:?\d\d)$/i.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(t))
    throw new VigilError('CLI_USAGE', `--${flag} '${text}' is not a time with a zone, now, or now-<n><s|m|h|d>\n${usage}`);
  return t;
}

/** [fromMs, toMs): Kafka record times, epoch ms. */
export interface TimeRange {
  readonly fromMs: number;
  readonly toMs: number;
}

/** `--from` and `--to` → a range that is not empty; `usage` follows the error. */
export function parseTimeRange(from: string, to: string, now: Date, usage = TIME_USAGE): TimeRange {
  const fromMs = parseTime(from, now, 'from', usage);
  const toMs = parseTime(to, now, 'to', usage);
  if (toMs <= fromMs)
    throw new VigilError('CLI_USAGE', `--to (${new Date(toMs).toISOString()}) must be after --from (${new Date(fromMs).toISOString()})`);
  return { fromMs, toMs };
}

/** One event of the range and where it was. */
export interface RangeEvent {
  readonly event: EcsEvent;
  readonly partition: number;
  readonly offset: string;
}

export interface EventRangeOptions {
  readonly range: TimeRange;
  /** Unreadable records and the progress bar go here. */
  readonly io: ToolIo;
  /** Each batch of events, partition by partition, in offset order; awaited before the next batch. */
  readonly onEvents: (events: RangeEvent[]) => Promise<void> | void;
  /** What the progress bar shows after the counts (`12 alerts`). */
  readonly detail?: () => string;
}

export interface EventRangeRead {
  readonly topic: string;
  readonly range: TimeRange;
  readonly partitions: number;
  readonly events: number;
  readonly unreadable: number;
}

/**
 * Reads the events `topic` received in the range, streamed: what the caller keeps of them is
 * its own affair. A topic that does not exist is a usage error naming it.
 */
export async function readEventRange(bus: Bus, topic: string, opts: EventRangeOptions): Promise<EventRangeRead> {
  const { io } = opts;
  let events = 0;
  let unreadable = 0;
  const read = await readRecordRange(bus, topic, {
    range: opts.range,
    io,
    detail: () => `${events} event${events === 1 ? '' : 's'}` + (opts.detail ? `  ${opts.detail()}` : ''),
    onRecords: async (records) => {
      const batch: RangeEvent[] = [];
      for (const rec of records) {
        const parsed = parseRangeEvent(rec.value);
        if (typeof parsed === 'string') {
          if (++unreadable <= SHOWN_UNREADABLE) io.err(unreadableLine(rec, parsed));
          continue;
        }
        events++;
        batch.push({ event: parsed, partition: rec.partition, offset: rec.offset });
      }
      if (batch.length > 0) await opts.onEvents(batch);
    },
  });
  return { topic, range: opts.range, partitions: read.partitions, events, unreadable };
}

/** Unreadable records named on stderr before the rest are only counted. */
export const SHOWN_UNREADABLE = 20;

/** A record value as an event, or why it is not one. */
export function parseRangeEvent(value: Buffer): EcsEvent | string {
  try {
    const event = JSON.parse(value.toString('utf8')) as EcsEvent;
    if (typeof event?.['@timestamp'] !== 'string') throw new Error('no @timestamp');
    return event;
  } catch (err) {
    return errorMessage(err);
  }
}

/** How an unreadable record is named on stderr. */
export function unreadableLine(rec: Pick<InRecord, 'topic' | 'partition' | 'offset'>, reason: string): string {
  return `${rec.topic}[${rec.partition}]@${rec.offset}: unreadable event: ${reason}`;
}

export interface RecordRangeOptions {
  readonly range: TimeRange;
  /** The progress bar goes here. */
  readonly io: ToolIo;
  /** Each batch of records, partition by partition, in offset order; awaited before the next batch. */
  readonly onRecords: (records: InRecord[]) => Promise<void> | void;
  /** What the progress bar shows after the counts. */
  readonly detail?: () => string;
  /** How many records the range holds (offsets, so control records and compacted gaps count too), before the first batch. */
  readonly onPlan?: (records: number) => void;
}

/**
 * The records `topic` received in the range, unparsed (for a caller that parses them
 * elsewhere: `vigil replay --threads`). A topic that does not exist is a usage error naming it.
 */
export async function readRecordRange(bus: Bus, topic: string, opts: RecordRangeOptions): Promise<{ partitions: number; records: number }> {
  if ((await bus.partitionCount(topic)) === null) throw new VigilError('CLI_USAGE', `topic ${topic} does not exist`);
  const { io } = opts;
  // Per partition: offsets to read and offsets read (control records and compacted gaps count too).
  const plan = new Map<number, { start: bigint; size: bigint; read: bigint }>();
  let lastDraw = 0;
  const draw = (): void => {
    if (!io.progress || Date.now() - lastDraw <= 100) return;
    lastDraw = Date.now();
    let read = 0n;
    let total = 0n;
    let finished = 0;
    for (const p of plan.values()) {
      read += p.read;
      total += p.size;
      if (p.read >= p.size) finished++;
    }
    io.progress(
      progressBar(
        Number(read),
        Number(total),
        `${read}/${total} records, ${finished}/${plan.size} partitions done` + (opts.detail ? `  ${opts.detail()}` : ''),
      ),
    );
  };
  const result = await bus.readRange(topic, {
    fromMs: opts.range.fromMs,
    toMs: opts.range.toMs,
    onPlan: (ranges) => {
      for (const r of ranges) if (r.end > r.start) plan.set(r.partition, { start: r.start, size: r.end - r.start, read: 0n });
      opts.onPlan?.(Number([...plan.values()].reduce((n, p) => n + p.size, 0n)));
    },
    onRecords: async (records) => {
      const last = records.at(-1);
      const p = last && plan.get(last.partition);
      if (last && p) p.read = BigInt(last.offset) + 1n - p.start;
      await opts.onRecords(records);
      draw();
    },
  });
  if (io.progress && lastDraw > 0) io.progress('\r\x1b[K');
  return { partitions: result.ranges.length, records: result.records };
}

/** `N events of TOPIC received FROM to TO`. */
export function describeRead(read: EventRangeRead): string {
  return `${read.events} event${read.events === 1 ? '' : 's'} of ${read.topic} received ${new Date(read.range.fromMs).toISOString()} to ${new Date(read.range.toMs).toISOString()}`;
}
