import { randomBytes } from 'node:crypto';
import { getField } from '../../core/event/index.js';

/**
 * Where a record goes in the archive: `<prefix>/<dataset>/<yyyy>/<mm>/<dd>/`, by the record's
 * own time (`@timestamp`, else the Kafka timestamp), in UTC. Events are filed under their
 * `event.dataset`; alerts, incidents and actions under `_alerts`, `_incidents`, `_actions`, a
 * name no dataset can take (dataset names are cut to lowercase letters, digits, `.`, `-`, `_`,
 * starting with a letter or digit), so that replay can tell the topic from the path alone.
 */
export type ArchiveTopic = 'events' | 'alerts' | 'incidents' | 'actions';

export interface Partition {
  dataset: string;
  /** `yyyy/mm/dd`. */
  day: string;
}

const UNKNOWN_DATASET = 'unknown';

/** A dataset name safe in an object key and a path: no `/`, no `..`, never starting with `_`. */
export function safeDataset(raw: unknown): string {
  if (typeof raw !== 'string') return UNKNOWN_DATASET;
  const cleaned = raw
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 100);
  return cleaned === '' ? UNKNOWN_DATASET : cleaned;
}

export function datasetOf(topic: ArchiveTopic, doc: Readonly<Record<string, unknown>>): string {
  return topic === 'events' ? safeDataset(getField(doc, 'event.dataset')) : `_${topic}`;
}

/** The topic a dataset directory holds (the inverse of `datasetOf`). */
export function topicOfDataset(dataset: string): ArchiveTopic {
  if (dataset === '_alerts') return 'alerts';
  if (dataset === '_incidents') return 'incidents';
  if (dataset === '_actions') return 'actions';
  return 'events';
}

/** The record's time in epoch ms: `@timestamp` when it parses, else `fallbackMs`. */
export function recordTime(doc: Readonly<Record<string, unknown>>, fallbackMs: number): number {
  const ts = getField(doc, '@timestamp');
  const ms = typeof ts === 'string' ? Date.parse(ts) : NaN;
  return Number.isFinite(ms) ? ms : fallbackMs;
}

export function dayOf(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}`;
}

export function partitionOf(topic: ArchiveTopic, doc: Readonly<Record<string, unknown>>, fallbackMs: number): Partition {
  return { dataset: datasetOf(topic, doc), day: dayOf(recordTime(doc, fallbackMs)) };
}

/**
 * The object name of a new object: its partition, the time it was opened, the sink and a random
 * part (two instances of one sink never pick the same name), `.ndjson.gz`.
 */
export function objectKey(
  prefix: string,
  part: Partition,
  sinkId: string,
  openedAt: Date,
  random = randomBytes(6).toString('hex'),
): string {
  const stamp = openedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${prefix.replace(/\/+$/, '')}/${part.dataset}/${part.day}/${stamp}-${sinkId}-${random}.ndjson.gz`;
}

/** Parses an object name back into its dataset and day; undefined for names not of this form. */
export function parseObjectKey(key: string, prefix: string): { dataset: string; day: string; date: number } | undefined {
  const p = prefix.replace(/\/+$/, '');
  if (!key.startsWith(`${p}/`)) return undefined;
  const m = /^([^/]+)\/(\d{4})\/(\d{2})\/(\d{2})\/[^/]+\.ndjson\.gz$/.exec(key.slice(p.length + 1));
  if (!m) return undefined;
  const [, dataset, y, mo, d] = m as unknown as [string, string, string, string, string];
  return { dataset, day: `${y}/${mo}/${d}`, date: Date.UTC(Number(y), Number(mo) - 1, Number(d)) };
}
