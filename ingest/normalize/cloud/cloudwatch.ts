import { gunzipSync } from 'node:zlib';
import { errorMessage } from '../../../core/errors/index.js';
import { buildEvent, isObject, merge, obj, str, type Json, type RecordContext } from './common.js';
import { normalizeText } from './json.js';
import { detectRecordType, normalizeDocument, normalizeRecord, type RecordResult } from './records.js';
import { normalizeVpcFlowLine, vpcFlowReader } from './vpcflow.js';

/** Largest decompressed record: a gzip bomb stops here instead of filling memory. */
export const MAX_INFLATED_BYTES = 64 * 1024 * 1024;

/**
 * A CloudWatch Logs subscription payload (`messageType` DATA_MESSAGE or CONTROL_MESSAGE,
 * `owner`, `logGroup`, `logStream`, `subscriptionFilters`, `logEvents:[{id,timestamp,message}]`).
 */
export function isCloudWatchLogs(doc: unknown): doc is Json {
  return isObject(doc) && typeof doc.messageType === 'string' && Array.isArray(doc.logEvents);
}

/**
 * One subscription payload → one result per log event. CONTROL_MESSAGE (CloudWatch's
 * reachability check) gives none. A message that is itself a known record (CloudTrail delivered
 * to a log group) is normalized as that record; any other becomes a generic event with the log
 * group and stream under `aws.cloudwatch`; so does a VPC flow log record (`vpcflow.ts`).
 */
export function cloudWatchResults(doc: Json, ctx: RecordContext): RecordResult[] {
  if (doc.messageType === 'CONTROL_MESSAGE') return [];
  const owner = str(doc.owner);
  const extra: Json = {
    cloud: { provider: 'aws', account: { id: owner } },
    aws: { cloudwatch: { log_group: str(doc.logGroup), log_stream: str(doc.logStream) } },
  };
  return (doc.logEvents as unknown[]).map((le): RecordResult => {
    const e = obj(le);
    const message = str(e.message) ?? '';
    let parsed: unknown;
    try {
      parsed = message.startsWith('{') ? JSON.parse(message) : undefined;
    } catch {
      parsed = undefined;
    }
    if (isObject(parsed) && detectRecordType(parsed) !== 'json') {
      const r = normalizeRecord(parsed, ctx, 'auto', message);
      return r.ok ? { ok: true, event: merge(r.event, { aws: extra.aws }) as typeof r.event } : r;
    }
    const flow = parsed === undefined ? normalizeVpcFlowLine(message, ctx) : undefined;
    if (flow) return flow.ok ? { ok: true, event: merge(flow.event, { aws: extra.aws }) as typeof flow.event } : flow;
    const event = buildEvent(
      ctx,
      message,
      {
        time: typeof e.timestamp === 'number' ? e.timestamp : undefined,
        dataset: 'aws.cloudwatch_logs',
        module: 'aws',
        uniqueId: str(e.id),
      },
      merge(extra, { message, event: { id: str(e.id) } }),
    );
    return { ok: true, event };
  });
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** Strict base64 (RFC 4648 §4, whitespace tolerated): Node's decoder would silently skip bad characters. */
export function decodeBase64(s: string): Buffer | undefined {
  const compact = s.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}

/**
 * The bytes of one pushed record (a Firehose record's or a Pub/Sub message's `data`) → results:
 * gzip is inflated first; a CloudWatch Logs payload fans out per log event; a JSON document
 * (or JSON lines) is normalized by shape; VPC flow log lines are flow events (`vpcflow.ts`); other
 * text gives one event per line.
 */
export function bytesResults(data: Buffer, ctx: RecordContext, textDataset: string): RecordResult[] {
  let bytes = data;
  if (data.length >= 2 && data[0] === GZIP_MAGIC[0] && data[1] === GZIP_MAGIC[1]) {
    try {
      bytes = gunzipSync(data, { maxOutputLength: MAX_INFLATED_BYTES });
    } catch (err) {
      return [{ ok: false, code: 'DECODE_PAYLOAD', reason: `gzip: ${errorMessage(err)}`, raw: data.toString('base64') }];
    }
  }
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) {
    return [{ ok: false, code: 'DECODE_PAYLOAD', reason: 'record is neither gzip nor UTF-8 text', raw: bytes.toString('base64') }];
  }
  const trimmed = text.trim();
  if (trimmed === '') return [];
  let doc: unknown;
  try {
    doc = JSON.parse(trimmed);
  } catch {
    doc = undefined;
  }
  if (typeof doc === 'object' && doc !== null)
    return isCloudWatchLogs(doc) ? cloudWatchResults(doc, ctx) : normalizeDocument(doc, ctx, 'auto', trimmed);
  // JSON lines or plain text lines (a producer may pack several records into one); text lines may
  // be VPC flow records, after a header line that names their fields.
  const textLine = vpcFlowReader(ctx, (line) => [{ ok: true, event: normalizeText(line, ctx, textDataset) }]);
  return trimmed
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .flatMap((line): RecordResult[] => {
      let d: unknown;
      try {
        d = JSON.parse(line);
      } catch {
        d = undefined;
      }
      if (typeof d !== 'object' || d === null) return textLine(line);
      return isCloudWatchLogs(d) ? cloudWatchResults(d, ctx) : normalizeDocument(d, ctx, 'auto', line);
    });
}
