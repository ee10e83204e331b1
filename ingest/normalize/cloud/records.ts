import type { ErrorCode } from '../../../core/errors/index.js';
import { errorMessage } from '../../../core/errors/index.js';
import type { EcsEvent } from '../../../core/event/index.js';
import { isSuricataEve, normalizeSuricata } from '../suricata/index.js';
import { isWindowsEvent } from '../windows/record.js';
import { normalizeWindows } from '../windows/windows.js';
import { isZeekLog, normalizeZeek } from '../zeek/index.js';
import { isAzureRecord, isEntraAudit, isEntraSignIn, normalizeAzureActivity, normalizeEntraSignIn } from './azure.js';
import { isCloudTrailRecord, normalizeCloudTrail } from './cloudtrail.js';
import { normalizeEntraAudit } from './entra-audit.js';
import { isObject, type Json, type RecordContext } from './common.js';
import { isGcpAuditEntry, normalizeGcpAudit } from './gcp-audit.js';
import { normalizeJson } from './json.js';
import { isO365Record, normalizeO365 } from './o365.js';
import { isOktaEvent, normalizeOkta } from './okta.js';

/** Record types, as `vigil parse --type` and input configs name them. `json` is any other object. */
export const RECORD_TYPES = ['cloudtrail', 'gcp-audit', 'azure', 'okta', 'o365', 'windows', 'suricata', 'zeek', 'json'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** One record's fate: an ECS event, or why it became a dead letter (with the record's text). */
export type RecordResult = { ok: true; event: EcsEvent } | { ok: false; code: ErrorCode; reason: string; raw: string };

interface TypeEntry {
  is(r: Json): boolean;
  normalize(r: Json, ctx: RecordContext, original: string): EcsEvent | undefined;
  /** For the error when a record is not of the type asked for. */
  what: string;
}

/** The registry of record types: a shape test and a normalizer each. Order matters for `auto`. */
const TYPES: Record<RecordType, TypeEntry> = {
  windows: { is: isWindowsEvent, normalize: normalizeWindows, what: 'a Windows event (evtx_dump or Winlogbeat JSON)' },
  cloudtrail: { is: isCloudTrailRecord, normalize: normalizeCloudTrail, what: 'a CloudTrail record' },
  'gcp-audit': { is: isGcpAuditEntry, normalize: normalizeGcpAudit, what: 'a Cloud Audit Logs LogEntry' },
  okta: { is: isOktaEvent, normalize: normalizeOkta, what: 'an Okta System Log event' },
  o365: { is: isO365Record, normalize: normalizeO365, what: 'a Management Activity API record' },
  azure: {
    is: isAzureRecord,
    normalize: (r, ctx, original) =>
      isEntraSignIn(r)
        ? normalizeEntraSignIn(r, ctx, original)
        : isEntraAudit(r)
          ? normalizeEntraAudit(r, ctx, original)
          : normalizeAzureActivity(r, ctx, original),
    what: 'an Azure Monitor record',
  },
  suricata: { is: isSuricataEve, normalize: normalizeSuricata, what: 'a Suricata EVE JSON record' },
  zeek: { is: isZeekLog, normalize: normalizeZeek, what: 'a Zeek JSON log record' },
  json: { is: () => true, normalize: normalizeJson, what: 'a JSON object' },
};

/** The record type whose shape `r` has; `json` when none. */
export function detectRecordType(r: Json): RecordType {
  return (RECORD_TYPES.find((t) => t !== 'json' && TYPES[t].is(r)) as RecordType | undefined) ?? 'json';
}

/** One parsed object → its result. `type` forces a type (the record must have its shape) or `auto` detects it. */
export function normalizeRecord(r: unknown, ctx: RecordContext, type: RecordType | 'auto' = 'auto', original?: string): RecordResult {
  const text = original ?? JSON.stringify(r);
  if (!isObject(r)) return { ok: false, code: 'PARSE_RECORD_SHAPE', reason: 'a record must be a JSON object', raw: text };
  const t = type === 'auto' ? detectRecordType(r) : type;
  const entry = TYPES[t];
  if (!entry.is(r)) return { ok: false, code: 'PARSE_RECORD_SHAPE', reason: `not ${entry.what}`, raw: text };
  try {
    const event = entry.normalize(r, ctx, text);
    if (!event) return { ok: false, code: 'PARSE_RECORD_SHAPE', reason: `not ${entry.what}`, raw: text };
    return { ok: true, event };
  } catch (err) {
    return { ok: false, code: 'NORMALIZE_FAILED', reason: errorMessage(err), raw: text };
  }
}

/**
 * The records a parsed document holds: a CloudTrail file's `{Records:[…]}`, an Azure Monitor
 * `{records:[…]}` (one message, many events), a JSON array, or the object itself.
 */
export function recordsOf(doc: unknown): unknown[] {
  if (Array.isArray(doc)) return doc;
  if (isObject(doc)) {
    if (Array.isArray(doc.Records)) return doc.Records;
    if (Array.isArray(doc.records)) return doc.records;
  }
  return [doc];
}

/** A parsed document → one result per record. The original text is the document's only when it holds one record. */
export function normalizeDocument(doc: unknown, ctx: RecordContext, type: RecordType | 'auto' = 'auto', text?: string): RecordResult[] {
  const records = recordsOf(doc);
  const single = records.length === 1 && records[0] === doc;
  return records.map((r) => normalizeRecord(r, ctx, type, single ? text : undefined));
}

/**
 * Text of one JSON document, or of JSON lines (one document per line) → results. A line that
 * is not JSON becomes a PARSE_RECORD_JSON failure carrying that line.
 */
export function normalizeJsonText(text: string, ctx: RecordContext, type: RecordType | 'auto' = 'auto'): RecordResult[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  // Only the parse is tried: a failure of the normalizers must not be taken for "not one document".
  let whole: { doc: unknown } | undefined;
  try {
    whole = { doc: JSON.parse(trimmed) };
  } catch {
    // not one document: JSON lines
  }
  if (whole) return normalizeDocument(whole.doc, ctx, type, trimmed);
  const out: RecordResult[] = [];
  for (const line of trimmed.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch (err) {
      out.push({ ok: false, code: 'PARSE_RECORD_JSON', reason: `not JSON: ${errorMessage(err)}`, raw: line });
      continue;
    }
    // A loop, not a spread: a line holding an array of 100k+ records would overflow the stack.
    for (const r of normalizeDocument(doc, ctx, type, line)) out.push(r);
  }
  return out;
}
