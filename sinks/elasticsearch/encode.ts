import type { InRecord } from '../../core/bus/index.js';
import { deterministicId, getField } from '../../core/event/index.js';
import { SECURITY_TOPICS, targetIndex, usesDataStream, type IndexedTopic, type ResolvedSinkConfig } from './config.js';

/** One bulk operation built from one Kafka record. */
export interface BulkOp {
  /** `index` overwrites, `create` (data streams) refuses an existing id, `delete` follows an incident tombstone. */
  op: 'index' | 'create' | 'delete';
  index: string;
  id: string;
  /** Absent for `delete`. */
  doc?: Record<string, unknown>;
  /** Where the record came from, for dead letters and logs. */
  record: InRecord;
  /** Write only if the document is still at this version (analyst-edits.ts); 409 otherwise. */
  ifVersion?: { seqNo: number; primaryTerm: number };
}

export type Encoded = { ok: true; op: BulkOp } | { ok: false; reason: string };

/** Elasticsearch refuses `_id`s longer than 512 bytes. */
const MAX_ID_BYTES = 512;

/** How records of one topic become documents. */
export interface EncodeTarget {
  topic: IndexedTopic;
  index: string;
  /** `create` when the index is a data stream. */
  writeOp: 'index' | 'create';
  /**
   * `data_stream.*` of Elastic's naming scheme, set on each document written to a `logs-*` name
   * (Kibana's data stream views and Elastic Security's filters read them).
   */
  dataStreamFields?: { type: 'logs'; dataset: string; namespace: string };
}

export function encodeTarget(
  cfg: Pick<ResolvedSinkConfig, 'indexPrefix' | 'dataStream' | 'securityNamespace'>,
  topic: IndexedTopic,
): EncodeTarget {
  const target: EncodeTarget = { topic, index: targetIndex(cfg, topic), writeOp: usesDataStream(cfg, topic) ? 'create' : 'index' };
  if (cfg.securityNamespace !== undefined && SECURITY_TOPICS.includes(topic)) {
    target.dataStreamFields = { type: 'logs', dataset: `vigil.${topic}`, namespace: cfg.securityNamespace };
  }
  return target;
}

function nonEmptyString(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/**
 * The document id. Incidents are keyed by `incident.id` (the record key carries the same id on the
 * compacted topic), so that each incident is one document holding its latest state. Everything
 * else carries `vigil.id`, a deterministic id, so that a replay overwrites instead of duplicating.
 * A record with neither gets an id derived from where it sits in Kafka: stable across re-reads
 * of that record, though the same content published twice then yields two documents.
 */
export function documentId(topic: IndexedTopic, doc: Record<string, unknown> | null, record: InRecord): string {
  const preferred =
    topic === 'incidents'
      ? (nonEmptyString(getField(doc, 'incident.id')) ?? nonEmptyString(record.key) ?? nonEmptyString(getField(doc, 'vigil.id')))
      : nonEmptyString(getField(doc, 'vigil.id'));
  const id = preferred ?? deterministicId('kafka', record.topic, String(record.partition), record.offset);
  // A longer id would be refused; hashing keeps it deterministic.
  return Buffer.byteLength(id, 'utf8') > MAX_ID_BYTES ? deterministicId('long-id', id) : id;
}

/**
 * Decodes one record into a bulk operation, or says why it cannot be indexed (the caller
 * dead-letters it with the raw bytes). Pure: no I/O, no clock.
 */
export function encodeRecord(record: InRecord, target: EncodeTarget): Encoded {
  if (record.value.length === 0) {
    // A tombstone on the compacted incidents topic deletes the incident: mirror that.
    if (target.topic === 'incidents' && record.key) {
      return { ok: true, op: { op: 'delete', index: target.index, id: documentId('incidents', null, record), record } };
    }
    return { ok: false, reason: 'empty record' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(record.value.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, reason: `not a JSON object (got ${Array.isArray(parsed) ? 'array' : parsed === null ? 'null' : typeof parsed})` };
  }
  const doc = parsed as Record<string, unknown>;
  // Data streams require @timestamp and Kibana sorts by it: when a producer left it out, the
  // Kafka record time is the best event time we have.
  if (doc['@timestamp'] === undefined && Number.isFinite(record.timestamp) && record.timestamp > 0) {
    doc['@timestamp'] = new Date(record.timestamp).toISOString();
  }
  if (target.dataStreamFields) doc.data_stream = { ...target.dataStreamFields };
  return { ok: true, op: { op: target.writeOp, index: target.index, id: documentId(target.topic, doc, record), doc, record } };
}

/**
 * Keeps the last operation per (index, id) of one bulk request. Two writes of one id in one
 * request would race once one of them is retried (a retried older incident state would
 * overwrite a newer one); the last one is the state to keep. Returns the kept operations in
 * order and the superseded ones, which count as delivered.
 */
export function dedupeOps(ops: BulkOp[]): { kept: BulkOp[]; superseded: BulkOp[] } {
  const last = new Map<string, number>();
  ops.forEach((o, i) => last.set(`${o.index}\u0000${o.id}`, i));
  const kept: BulkOp[] = [];
  const superseded: BulkOp[] = [];
  ops.forEach((o, i) => (last.get(`${o.index}\u0000${o.id}`) === i ? kept : superseded).push(o));
  return { kept, superseded };
}

/** The NDJSON lines of a bulk request, as the client's `operations` array. */
export function bulkOperations(ops: BulkOp[]): unknown[] {
  const lines: unknown[] = [];
  for (const o of ops) {
    const conditional = o.ifVersion ? { if_seq_no: o.ifVersion.seqNo, if_primary_term: o.ifVersion.primaryTerm } : {};
    lines.push({ [o.op]: { _index: o.index, _id: o.id, ...conditional } });
    if (o.op !== 'delete') lines.push(o.doc);
  }
  return lines;
}
