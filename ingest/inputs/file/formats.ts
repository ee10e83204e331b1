import type { FileInputConfig } from './config.js';
import { errorMessage } from '../../../core/errors/index.js';
import { deterministicId } from '../../../core/event/index.js';
import { normalizeJsonText, normalizeRecord, normalizeText, type RecordContext, type RecordResult } from '../../normalize/cloud/index.js';
import { normalizeSyslog } from '../../normalize/index.js';
import { parseSyslog } from '../../parsers/index.js';

export type LineFormat = FileInputConfig['format'];

/** One line of a file and where it was. */
export interface Line {
  text: string;
  raw: Buffer;
  /** `dev:ino:offset` of the line's first byte. */
  position: string;
}

function syslogLine(line: Line, ctx: RecordContext, timezone: string): RecordResult {
  const parsed = parseSyslog(line.raw, { now: ctx.receivedAt, timezone });
  if (!parsed.ok) return { ok: false, code: parsed.error.code, reason: parsed.error.message, raw: line.text };
  try {
    const event = normalizeSyslog(parsed.record, {
      inputId: ctx.inputId,
      peer: '',
      raw: line.raw,
      receivedAt: ctx.receivedAt,
      keepOriginal: ctx.keepOriginal,
    });
    if (event.vigil) event.vigil.id = deterministicId(ctx.inputId, line.position, line.raw);
    return { ok: true, event };
  } catch (err) {
    return { ok: false, code: 'NORMALIZE_FAILED', reason: errorMessage(err), raw: line.text };
  }
}

/**
 * A line → its results, by format: `json` (JSON lines; vendor records detected by shape),
 * `windows` (evtx_dump or Winlogbeat JSON), `syslog` (RFC 5424/3164 through the syslog parser and
 * normalizer), `auto` (by the first character: `{` JSON, `<` syslog, anything else a text event).
 */
export function lineResults(line: Line, format: LineFormat, ctx: RecordContext, timezone: string): RecordResult[] {
  const c = { ...ctx, position: line.position };
  const first = line.text.trimStart()[0];
  const as = format === 'auto' ? (first === '{' || first === '[' ? 'json' : first === '<' ? 'syslog' : 'text') : format;
  switch (as) {
    case 'syslog':
      return [syslogLine(line, c, timezone)];
    case 'windows': {
      let doc: unknown;
      try {
        doc = JSON.parse(line.text);
      } catch (err) {
        return [{ ok: false, code: 'PARSE_RECORD_JSON', reason: `not JSON: ${errorMessage(err)}`, raw: line.text }];
      }
      return [normalizeRecord(doc, c, 'windows', line.text)];
    }
    case 'json':
      return normalizeJsonText(line.text, c, 'auto');
    default:
      return [{ ok: true, event: normalizeText(line.text, c, 'generic.file') }];
  }
}
