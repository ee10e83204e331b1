/**
 * Field-mapping pipelines and logsource mappings, as loaded from `rules/pipelines/*.yml`
 * (pySigma's processing pipelines, kept as data). Immutable once loaded.
 */

/** A Sigma logsource as a pipeline matches it: lower-cased, only the keys it sets. */
export interface LogsourceKey {
  readonly product?: string;
  readonly category?: string;
  readonly service?: string;
}

export const LOGSOURCE_KEYS = ['product', 'category', 'service'] as const;

/** Where a pipeline node is, for messages. */
export interface At {
  readonly file: string;
  readonly line?: number;
  readonly path: string;
}

/**
 * Field mappings for the rules whose logsource contains `logsource`. A target is a list of
 * paths read in order; the first one the event has is the field's value.
 */
export interface PipelineSection {
  readonly logsource: LogsourceKey;
  /** Sigma field name (case-sensitive, as rules write it) → paths. */
  readonly fields: ReadonlyMap<string, readonly string[]>;
  /** Paths for a field no applicable section maps, with `{field}` standing for the name. Default: the name itself. */
  readonly unmapped?: readonly string[];
  /** A path (with `{field}`) read before a mapped field's targets, when the event has it: the value as the source wrote it. */
  readonly original?: string;
  readonly at: At;
}

/** One logsource of the logsource mapping: the events it stands for, as Sigma selection maps (any may hold). */
export interface LogsourceEntry {
  readonly logsource: LogsourceKey;
  /** Plain Sigma selection maps (`field|modifiers: value(s)`), ORed. */
  readonly conditions: readonly Readonly<Record<string, unknown>>[];
  readonly at: At;
}

export interface LogsourceMapping {
  /** What a rule whose logsource no entry covers sees: every event (`allow`) or none (`deny`). Default `allow`. */
  readonly default: 'allow' | 'deny';
  readonly entries: readonly LogsourceEntry[];
  readonly file: string;
}

export interface Pipeline {
  readonly name: string;
  readonly description: string;
  readonly file: string;
  /** A field name with a dot is an ECS path already and is read as written (pySigma's `\w+\.` exclusion). Default true. */
  readonly keepDotted: boolean;
  /** An XML text node read from an event (`{"#text": v, "#attributes": …}`, as evtx_dump writes them) reads as `v`. Default false. */
  readonly unwrapText: boolean;
  readonly sections: readonly PipelineSection[];
  readonly logsources: LogsourceMapping;
  /** Overrides the mapping's `default` for this pipeline (`logsource_default`). */
  readonly logsourceDefault?: 'allow' | 'deny';
}

/** `product/category/service` with empty parts: a stable key for grouping rules by logsource. */
export function logsourceId(ls: LogsourceKey): string {
  return `${ls.product ?? ''}/${ls.category ?? ''}/${ls.service ?? ''}`;
}

/** A rule's logsource, lower-cased, keeping only product, category and service. */
export function toLogsourceKey(ls: { readonly product?: string; readonly category?: string; readonly service?: string }): LogsourceKey {
  const out: { product?: string; category?: string; service?: string } = {};
  for (const k of LOGSOURCE_KEYS) {
    const v = ls[k];
    if (typeof v === 'string' && v !== '') out[k] = v.toLowerCase();
  }
  return out;
}

/** Whether every key `outer` sets is set to the same value in `inner` (the rule's logsource). */
export function containsLogsource(outer: LogsourceKey, inner: LogsourceKey): boolean {
  for (const k of LOGSOURCE_KEYS) {
    const v = outer[k];
    if (v !== undefined && inner[k] !== v) return false;
  }
  return true;
}

/** How many keys a logsource sets: more is more specific. */
export function specificity(ls: LogsourceKey): number {
  let n = 0;
  for (const k of LOGSOURCE_KEYS) if (ls[k] !== undefined) n++;
  return n;
}
