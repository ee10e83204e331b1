import { createHash } from 'node:crypto';
import type { InRecord } from '../../core/bus/index.js';
import type { SinkTopic } from '../runner/types.js';
import { getPath, setPath, splitPath, type Path } from './paths.js';
import type { Doc } from './transforms.js';

export interface AggregateOptions {
  by: readonly string[];
  intervalMs: number;
  sum?: readonly string[];
}

interface Bucket {
  doc: Doc;
  sums: Record<string, number>;
  count: number;
  first: InRecord;
  last: InRecord;
  topic: SinkTopic;
}

/**
 * Rolls records into one per key and interval: `@timestamp` is the interval start, the key fields
 * keep their paths, `aggregate` holds `count`, `sum.<field>` and the interval. One Aggregator per
 * batch: what it rolls up goes out with that batch, so offsets are never committed for records
 * held in memory (a crash loses nothing); a key whose interval spans batches yields partial records.
 */
export class Aggregator {
  private readonly buckets = new Map<string, Bucket>();
  private readonly by: Array<{ field: string; path: Path }>;
  private readonly sum: Array<{ field: string; path: Path }>;

  constructor(
    private readonly route: string,
    private readonly opts: AggregateOptions,
  ) {
    this.by = opts.by.map((field) => ({ field, path: splitPath(field) }));
    this.sum = (opts.sum ?? []).map((field) => ({ field, path: splitPath(field) }));
  }

  add(doc: Doc, source: InRecord, topic: SinkTopic): void {
    const t = eventTime(doc, source);
    const start = t - (t % this.opts.intervalMs);
    const values = this.by.map((b) => getPath(doc, b.path));
    const key = JSON.stringify([start, values]);
    let b = this.buckets.get(key);
    if (!b) {
      const out: Doc = { '@timestamp': new Date(start).toISOString() };
      this.by.forEach((k, i) => {
        if (values[i] !== undefined) setPath(out, k.path, values[i]);
      });
      b = { doc: out, sums: Object.fromEntries(this.sum.map((s) => [s.field, 0])), count: 0, first: source, last: source, topic };
      this.buckets.set(key, b);
    }
    b.count++;
    b.last = source;
    for (const s of this.sum) {
      const v = getPath(doc, s.path);
      const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
      if (Number.isFinite(n)) b.sums[s.field] = (b.sums[s.field] as number) + n;
    }
  }

  /** One record per bucket, with a deterministic `vigil.id` (the same batch re-read gives the same ids). */
  flush(): Array<{ doc: Doc; source: InRecord; topic: SinkTopic }> {
    const out: Array<{ doc: Doc; source: InRecord; topic: SinkTopic }> = [];
    for (const [key, b] of this.buckets) {
      const start = Date.parse(b.doc['@timestamp'] as string);
      b.doc.event = { kind: 'metric', dataset: 'vigil.aggregate' };
      b.doc.aggregate = {
        route: this.route,
        count: b.count,
        ...(this.sum.length ? { sum: b.sums } : {}),
        interval: { start: b.doc['@timestamp'], end: new Date(start + this.opts.intervalMs).toISOString(), ms: this.opts.intervalMs },
      };
      const origin = `${b.first.topic}/${b.first.partition}@${b.first.offset}`;
      b.doc.vigil = { id: createHash('sha1').update(`${this.route}\n${key}\n${origin}`).digest('hex') };
      out.push({ doc: b.doc, source: b.last, topic: b.topic });
    }
    this.buckets.clear();
    return out;
  }
}

/** The record's event time: `@timestamp` when it parses, else the Kafka timestamp. */
function eventTime(doc: Doc, source: InRecord): number {
  const ts = doc['@timestamp'];
  const t = typeof ts === 'string' ? Date.parse(ts) : typeof ts === 'number' ? ts : NaN;
  return Number.isFinite(t) ? t : source.timestamp;
}
