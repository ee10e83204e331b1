import type { FileInputConfig } from './config.js';
import { errorMessage } from '../../../core/errors/index.js';
import { deterministicId } from '../../../core/event/index.js';
import {
  normalizeJsonText,
  normalizeRecord,
  normalizeText,
  normalizeVpcFlowLine,
  notVpcFlowRecord,
  vpcFlowHeader,
  type RecordContext,
  type RecordResult,
  type VpcFlowFormat,
} from '../../normalize/cloud/index.js';
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

/**
 * What a file's earlier lines say about its later ones: the VPC flow log header in force (S3
 * delivery writes one at the top of each file). One per file, kept while the file is read.
 */
export interface FileLineState {
  vpcFlow?: VpcFlowFormat;
}

/**
 * A VPC flow log line: a header sets the format of the lines after it and gives no event; a record
 * is read with the header in force, else by the layouts Elastic reads. Undefined when the line is
 * neither (no header in force and no layout fits).
 */
function vpcFlowLine(line: Line, ctx: RecordContext, state: FileLineState): RecordResult[] | undefined {
  const header = vpcFlowHeader(line.text);
  if (header) {
    state.vpcFlow = header;
    return [];
  }
  const r = normalizeVpcFlowLine(line.text, ctx, state.vpcFlow);
  return r ? [r] : undefined;
}

/**
 * The state a file read from `offset` resumes with: its first line when that is a VPC flow log
 * header (for `auto` and `vpcflow`), since the header was read before the checkpoint.
 */
export async function resumeLineState(
  readFirstLine: () => Promise<string | undefined>,
  format: LineFormat,
  offset: number,
): Promise<FileLineState> {
  if (offset === 0 || (format !== 'auto' && format !== 'vpcflow')) return {};
  const first = await readFirstLine();
  const header = first === undefined ? undefined : vpcFlowHeader(first);
  return header ? { vpcFlow: header } : {};
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
 * normalizer), `vpcflow` (AWS VPC flow logs, a header line naming the fields of the lines after
 * it; a line that is not a record is a dead letter), `auto` (by the first character: `{` JSON, `<`
 * syslog; else a VPC flow log header or record, else a text event). `state` is the file's: the
 * VPC flow header in force.
 */
export function lineResults(
  line: Line,
  format: LineFormat,
  ctx: RecordContext,
  timezone: string,
  state: FileLineState = {},
): RecordResult[] {
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
    case 'vpcflow':
      return vpcFlowLine(line, c, state) ?? [notVpcFlowRecord(line.text)];
    default:
      return vpcFlowLine(line, c, state) ?? [{ ok: true, event: normalizeText(line.text, c, 'generic.file') }];
  }
}
