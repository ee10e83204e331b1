import type { EcsEvent } from '../../../core/event/index.js';
import { deterministicId } from '../../../core/event/index.js';
import type { RecordContext } from './common.js';
import { normalizeJsonText, type RecordResult, type RecordType } from './records.js';
import { notVpcFlowRecord, vpcFlowReader } from './vpcflow.js';

/** Options of the pure parse functions; every field has a default for `vigil parse`. */
export interface ParseTextOptions {
  /** `vigil.input`. Default `parse`. */
  inputId?: string;
  /** Default now. */
  receivedAt?: Date;
  /** Default true: an analyst wants to see what each record was. */
  keepOriginal?: boolean;
}

/**
 * A failed record as an event: `event.kind: pipeline_error` with the reason and the raw text,
 * so that `vigil parse` shows every record, good or bad, one line each.
 */
export function pipelineError(r: Extract<RecordResult, { ok: false }>, ctx: RecordContext): EcsEvent {
  const received = ctx.receivedAt.toISOString();
  return {
    '@timestamp': received,
    event: { kind: 'pipeline_error', created: received, reason: r.reason, code: r.code, original: r.raw },
    error: { code: r.code, message: r.reason },
    vigil: { id: deterministicId(ctx.inputId, r.raw), input: ctx.inputId, received_at: received, parse_status: 'partial' },
  };
}

function parseAs(type: RecordType | 'auto') {
  return (text: string, opts: ParseTextOptions = {}): EcsEvent[] => {
    const ctx: RecordContext = {
      inputId: opts.inputId ?? 'parse',
      receivedAt: opts.receivedAt ?? new Date(),
      keepOriginal: opts.keepOriginal ?? true,
    };
    return normalizeJsonText(text, ctx, type).map((r) => (r.ok ? r.event : pipelineError(r, ctx)));
  };
}

/**
 * Pure `text → EcsEvent[]` functions for `vigil parse --type …`. The text is one JSON document
 * (a record, an array, a CloudTrail file's `{Records:[…]}`, an Azure `{records:[…]}`) or JSON
 * lines. Records that are not of the type become `pipeline_error` events.
 */
export const parseCloudTrail = parseAs('cloudtrail');
export const parseGcpAudit = parseAs('gcp-audit');
export const parseAzure = parseAs('azure');
export const parseOkta = parseAs('okta');
export const parseO365 = parseAs('o365');
export const parseWindows = parseAs('windows');
export const parseSuricata = parseAs('suricata');
export const parseZeek = parseAs('zeek');
/**
 * AWS VPC flow log text as S3 delivers it (a header line naming the fields, then one record a
 * line; a later header line changes the format), or records of a layout Elastic reads without a
 * header. A line that is not a record is a `pipeline_error` event whose reason names its line.
 */
export function parseVpcFlow(text: string, opts: ParseTextOptions = {}): EcsEvent[] {
  const ctx: RecordContext = {
    inputId: opts.inputId ?? 'parse',
    receivedAt: opts.receivedAt ?? new Date(),
    keepOriginal: opts.keepOriginal ?? true,
  };
  const read = vpcFlowReader(ctx, (line) => [notVpcFlowRecord(line)]);
  return text
    .split('\n')
    .flatMap((line, i) =>
      line.trim() === ''
        ? []
        : read(line.replace(/\r$/, '')).map((r) => (r.ok ? r.event : pipelineError({ ...r, reason: `line ${i + 1}: ${r.reason}` }, ctx))),
    );
}
/** Detects each record's type by its shape. */
export const parseCloudAuto = parseAs('auto');

/** The parse functions by `vigil parse --type` name. */
export const CLOUD_PARSE_TYPES = {
  cloudtrail: parseCloudTrail,
  'gcp-audit': parseGcpAudit,
  azure: parseAzure,
  okta: parseOkta,
  o365: parseO365,
  windows: parseWindows,
  suricata: parseSuricata,
  zeek: parseZeek,
} as const;
