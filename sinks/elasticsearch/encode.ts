import { isUtf8 } from 'node:buffer';
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
  /**
   * `doc` as JSON bytes made from the record's own (bulk sends them as the source line, so a
   * document is not serialized again). Valid only while `doc` is this same object: whoever changes
   * a document makes a new object (analyst-edits.ts), and the source line is then serialized.
   */
  asRead?: { doc: Record<string, unknown>; bytes: Buffer };
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
  const added: Record<string, unknown> = {};
  // Data streams require @timestamp and Kibana sorts by it: when a producer left it out, the
  // Kafka record time is the best event time we have.
  if (doc['@timestamp'] === undefined && Number.isFinite(record.timestamp) && record.timestamp > 0) {
    added['@timestamp'] = new Date(record.timestamp).toISOString();
  }
  if (target.dataStreamFields) added.data_stream = { ...target.dataStreamFields };
  const bytes = asReadBytes(record.value, doc, added);
  Object.assign(doc, added);
  const op: BulkOp = { op: target.writeOp, index: target.index, id: documentId(target.topic, doc, record), doc, record };
  if (bytes) op.asRead = { doc, bytes };
  return { ok: true, op };
}

const NEWLINE = 0x0a;
const OPEN_BRACE = 0x7b;

/**
 * The record's bytes as the bulk source line of `doc` with the fields of `added` put in front, or
 * undefined where they cannot be sent as they are: a newline would end the NDJSON line, bytes
 * that are not UTF-8 were read with replacement characters, and a field to replace (not only to
 * add) needs the document serialized.
 */
function asReadBytes(value: Buffer, doc: Record<string, unknown>, added: Record<string, unknown>): Buffer | undefined {
  if (value.includes(NEWLINE) || !isUtf8(value)) return undefined;
  const names = Object.keys(added);
  if (names.length === 0) return value;
  if (names.some((n) => n in doc)) return undefined;
  // A JSON object (checked by the caller) starts with `{` after optional whitespace.
  const brace = value.indexOf(OPEN_BRACE);
  const fields = JSON.stringify(added).slice(1, -1);
  const rest = value.subarray(brace + 1);
  const empty = Object.keys(doc).length === 0;
  return Buffer.concat([value.subarray(0, brace + 1), Buffer.from(empty ? fields : `${fields},`), rest]);
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

/** The NDJSON body of a bulk request: an action line per operation, and its source line unless it deletes. */
export function bulkBody(ops: readonly BulkOp[]): Buffer {
  const parts: Buffer[] = [];
  for (const o of ops) {
    const conditional = o.ifVersion ? { if_seq_no: o.ifVersion.seqNo, if_primary_term: o.ifVersion.primaryTerm } : {};
    parts.push(Buffer.from(`${JSON.stringify({ [o.op]: { _index: o.index, _id: o.id, ...conditional } })}\n`));
    if (o.op === 'delete') continue;
    parts.push(o.asRead !== undefined && o.asRead.doc === o.doc ? o.asRead.bytes : Buffer.from(JSON.stringify(o.doc)), NEWLINE_BYTES);
  }
  return Buffer.concat(parts);
}

const NEWLINE_BYTES = Buffer.from('\n');
