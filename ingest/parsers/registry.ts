import type { EcsEvent } from '../../core/event/index.js';
import type { VigilError } from '../../core/errors/index.js';
import { normalizeRecord } from '../normalize/record.js';
import { parseRecord, type RecordFormat } from './record.js';
import { isObject, type Json } from '../normalize/cloud/common.js';
import { isSuricataEve } from '../normalize/suricata/index.js';
import { isZeekLog } from '../normalize/zeek/index.js';
import {
  parseAzure,
  parseCloudTrail,
  parseGcpAudit,
  parseO365,
  parseOkta,
  parseSuricata,
  parseVpcFlow,
  parseWindows,
  parseZeek,
  isVpcFlowLine,
  vpcFlowHeader,
  type ParseTextOptions,
} from '../normalize/cloud/index.js';

/** What a parse type needs besides the raw record (`vigil parse`, file inputs). */
export interface ParseTypeContext {
  /** Labels events (`vigil.input`); `vigil parse` uses `parse`. */
  inputId: string;
  /** Where the record came from: `file:line` or `stdin:line`; becomes `vigil.peer`. */
  origin: string;
  /** IANA zone for times that carry none. */
  timezone: string;
  /** Receive time: reference for a missing year, and `event.created`. */
  now: Date;
  keepOriginal: boolean;
}

export type ParseTypeResult = { ok: true; events: EcsEvent[] } | { ok: false; error: VigilError };

/** One record format `vigil parse --type` (and file inputs) can read. */
export interface ParseType {
  summary: string;
  /** `line`: one record per line; `document`: the whole file (or stdin) is one record (a CloudTrail file). */
  framing: 'line' | 'document';
  /** For `--type auto`: does this record look like this type? Types are tried in registry order. */
  detect?: (raw: string) => boolean;
  /**
   * For `--type auto`: does an input whose first line is this one hold this type throughout, to be
   * read as one document (a VPC flow log file's header line names the fields of every line after it)?
   */
  startsDocument?: (firstLine: string) => boolean;
  /** One raw record → its ECS events (a document may hold many), or the reason it cannot be read. */
  toEcs(raw: string, ctx: ParseTypeContext): ParseTypeResult;
}

function viaRecord(format: RecordFormat): ParseType['toEcs'] {
  return (raw, ctx) => {
    // Files hold lines as syslog daemons write them: without <PRI>.
    const parsed = parseRecord(raw, { format, now: ctx.now, timezone: ctx.timezone, allowMissingPri: true });
    if (!parsed.ok) return parsed;
    const event = normalizeRecord(parsed.record, {
      inputId: ctx.inputId,
      peer: ctx.origin,
      raw: Buffer.from(raw, 'utf8'),
      receivedAt: ctx.now,
      keepOriginal: ctx.keepOriginal,
      timezone: ctx.timezone,
    });
    return { ok: true, events: [event] };
  };
}

/** Whether a JSON record (or the first of a JSON array) has a record type's shape; the regex before it keeps other lines cheap. */
function hasShape(raw: string, is: (r: Json) => boolean): boolean {
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch {
    return false;
  }
  const first: unknown = Array.isArray(doc) ? doc[0] : doc;
  return isObject(first) && is(first);
}

/** The cloud and Windows types: pure `text → EcsEvent[]` functions; records they cannot read come back as pipeline_error events. */
function viaCloud(parse: (text: string, opts: ParseTextOptions) => EcsEvent[]): ParseType['toEcs'] {
  return (raw, ctx) => ({ ok: true, events: parse(raw, { inputId: ctx.inputId, receivedAt: ctx.now, keepOriginal: ctx.keepOriginal }) });
}

/**
 * Record formats by `--type` name, one line each. `auto` tries each type's `detect` in this
 * order and falls back to `syslog`; types without `detect` are only used when named. More types
 * (cloudtrail, gcp-audit, azure, okta, o365, windows) are added here by their normalizers;
 * a JSON-shaped type with a `detect` must come before `json`, whose `detect` takes any object.
 */
export const PARSE_TYPES: Record<string, ParseType> = {
  cloudtrail: {
    summary: 'AWS CloudTrail records: a log file {Records:[…]}, one record, or JSON lines',
    framing: 'document',
    detect: (r) => /"eventSource"\s*:/.test(r) && /"eventName"\s*:/.test(r),
    toEcs: viaCloud(parseCloudTrail),
  },
  'gcp-audit': {
    summary: 'Google Cloud Audit Logs LogEntry JSON (one, an array, or JSON lines)',
    framing: 'document',
    detect: (r) => /"protoPayload"\s*:/.test(r),
    toEcs: viaCloud(parseGcpAudit),
  },
  azure: {
    summary: 'Azure Monitor activity and Entra ID sign-in records, {records:[…]} or JSON lines',
    framing: 'document',
    detect: (r) => /"operationName"\s*:/.test(r) && /"(resourceId|category)"\s*:/.test(r),
    toEcs: viaCloud(parseAzure),
  },
  okta: {
    summary: 'Okta System Log events (an API page, one event, or JSON lines)',
    framing: 'document',
    detect: (r) => /"eventType"\s*:/.test(r) && /"uuid"\s*:/.test(r) && /"published"\s*:/.test(r),
    toEcs: viaCloud(parseOkta),
  },
  o365: {
    summary: 'Microsoft 365 Management Activity API records (an array, one record, or JSON lines)',
    framing: 'document',
    detect: (r) => /"CreationTime"\s*:/.test(r) && /"Operation"\s*:/.test(r),
    toEcs: viaCloud(parseO365),
  },
  windows: {
    summary: 'Windows events as JSON: evtx_dump ({Event:{System,EventData}}) or Winlogbeat',
    framing: 'document',
    detect: (r) => /"Event"\s*:\s*\{/.test(r) || /"winlog"\s*:/.test(r),
    toEcs: viaCloud(parseWindows),
  },
  suricata: {
    summary: 'Suricata EVE JSON (eve.json lines: alert, flow, dns, http, tls, fileinfo, anomaly, ssh, smtp, …)',
    framing: 'document',
    detect: (r) => /"event_type"\s*:/.test(r) && hasShape(r, isSuricataEve),
    toEcs: viaCloud(parseSuricata),
  },
  zeek: {
    summary: 'Zeek JSON logs (LogAscii::use_json=T: conn, dns, http, ssl, files, notice, ssh, x509, …)',
    framing: 'document',
    detect: (r) => /"ts"\s*:/.test(r) && hasShape(r, isZeekLog),
    toEcs: viaCloud(parseZeek),
  },
  vpcflow: {
    summary: 'AWS VPC flow logs: a header line naming the fields (as S3 delivery writes), then a record a line',
    framing: 'document',
    detect: (r) => vpcFlowHeader(firstLine(r)) !== undefined || isVpcFlowLine(firstLine(r)),
    startsDocument: (line) => vpcFlowHeader(line) !== undefined,
    toEcs: viaCloud(parseVpcFlow),
  },
  cef: {
    summary: 'ArcSight CEF, bare or inside a syslog header',
    framing: 'line',
    detect: (r) => r.startsWith('CEF:'),
    toEcs: viaRecord('cef'),
  },
  leef: {
    summary: 'IBM LEEF 1.0/2.0, bare or inside a syslog header',
    framing: 'line',
    detect: (r) => r.startsWith('LEEF:'),
    toEcs: viaRecord('leef'),
  },
  json: {
    summary: 'one ECS-shaped JSON object per line',
    framing: 'line',
    detect: (r) => r.trimStart().startsWith('{'),
    toEcs: viaRecord('json'),
  },
  syslog: {
    summary: 'RFC 5424 or RFC 3164 (with or without <PRI>), with CEF, LEEF or vendor text inside',
    framing: 'line',
    toEcs: viaRecord('syslog'),
  },
};

function firstLine(text: string): string {
  const nl = text.indexOf('\n');
  return nl === -1 ? text : text.slice(0, nl);
}

/** The type `auto` picks for one raw record: the first whose `detect` says yes, else syslog. */
export function detectParseType(raw: string): string {
  for (const [name, t] of Object.entries(PARSE_TYPES)) if (t.detect?.(raw)) return name;
  return 'syslog';
}
