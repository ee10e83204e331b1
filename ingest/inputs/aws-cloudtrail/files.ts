import { gunzipSync } from 'node:zlib';
import { errorMessage } from '../../../core/errors/index.js';
import { MAX_INFLATED_BYTES, normalizeDocument, type RecordContext, type RecordResult } from '../../normalize/cloud/index.js';

/**
 * One CloudTrail log file (gzip of `{"Records":[…]}`; plain JSON accepted too) → one result per
 * record. A file that is not gzip or JSON is one failure carrying its first bytes.
 */
export function cloudTrailFileResults(bytes: Buffer, ctx: RecordContext, name: string): RecordResult[] {
  let text: string;
  try {
    text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes, { maxOutputLength: MAX_INFLATED_BYTES }) : bytes).toString('utf8');
  } catch (err) {
    return [
      {
        ok: false,
        code: 'DECODE_PAYLOAD',
        reason: `${name}: gzip: ${errorMessage(err)}`,
        raw: bytes.subarray(0, 64 * 1024).toString('base64'),
      },
    ];
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return [{ ok: false, code: 'PARSE_RECORD_JSON', reason: `${name}: not JSON: ${errorMessage(err)}`, raw: text.slice(0, 64 * 1024) }];
  }
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as { Records?: unknown }).Records)) {
    return [
      {
        ok: false,
        code: 'PARSE_RECORD_SHAPE',
        reason: `${name}: not a CloudTrail log file (no Records array)`,
        raw: text.slice(0, 64 * 1024),
      },
    ];
  }
  return normalizeDocument(doc, ctx, 'cloudtrail');
}
