/**
 * Rule fields against data: the event paths each rule reads (its detection's field names and
 * its logsource mapping's, through the pipeline's field mapping), and a streaming count of the
 * paths events hold and of the events that meet each rule's logsource. Together they give the
 * fields rules read that the data never holds, the rules that can never fire here (no event meets
 * their logsource, or none holds a field their detection reads), and the frequent fields no rule reads.
 *
 * The counter keeps one entry per distinct path, not per event: memory stays flat however long
 * the data is (distinct paths are capped at `maxPaths`; paths beyond it are counted as dropped).
 */
import type { CompiledCorrelation, CorrelationSet } from '../correlation/index.js';
import { fieldPaths, logsourceMatcher, toLogsourceKey, type LoadedRuleSet, type Pipeline } from '../pipelines/index.js';
import type { Rule } from '../sigma/model.js';

export interface RuleField {
  /** The field as the rule writes it. */
  readonly field: string;
  /** The event paths the pipeline reads it from, in order. */
  readonly paths: readonly string[];
  /** `detection` or `logsource` (a field of the logsource mapping the rule's logsource gets). */
  readonly from: 'detection' | 'logsource';
}

export interface RuleFields {
  readonly id: string;
  readonly title: string;
  readonly file: string;
  readonly fields: readonly RuleField[];
  /** The detection has a keyword or keyless search, which reads every string of an event. */
  readonly keywords: boolean;
  /** The logsource mapping's entries (all must hold), each a list of ORed condition maps, each the fields it reads. */
  readonly logsource: ReadonlyArray<ReadonlyArray<readonly RuleField[]>>;
  /** The rule's logsource (`product/category/service`) and whether an event meets it, as the engine decides; absent for a correlation. */
  readonly meets?: { readonly id: string; readonly test: (event: object) => boolean };
}

/** The fields one Sigma rule reads under the pipeline, each once. */
export function fieldsOfRule(pipeline: Pipeline, rule: Rule, file: string): RuleFields {
  const ls = toLogsourceKey(rule.logsource);
  const out = new Map<string, RuleField>();
  let keywords = false;
  for (const sel of rule.detection.selections.values()) {
    if (sel.kind === 'keywords') {
      keywords = true;
      continue;
    }
    for (const map of sel.maps)
      for (const item of map.items) {
        if (item.field === null) keywords = true;
        else if (!out.has(item.field))
          out.set(item.field, { field: item.field, paths: fieldPaths(pipeline, ls, item.field), from: 'detection' });
      }
  }
  const matcher = logsourceMatcher(pipeline, ls);
  const logsource = matcher.entries.map((entry) =>
    entry.conditions.map((cond) =>
      Object.keys(cond)
        .map((key) => key.split('|')[0] ?? '')
        .filter((field) => field !== '')
        .map((field): RuleField => ({ field, paths: fieldPaths(pipeline, ls, field), from: 'logsource' })),
    ),
  );
  return {
    id: rule.id,
    title: rule.title,
    file,
    fields: [...out.values()],
    keywords,
    logsource,
    meets: { id: matcher.id, test: matcher.test },
  };
}

/** The fields a correlation reads in its rules' events (group-by and value fields, aliases resolved). */
export function fieldsOfCorrelation(pipeline: Pipeline, c: CompiledCorrelation): RuleFields {
  const out = new Map<string, RuleField>();
  for (const input of c.inputs.values())
    for (const field of [...input.groupBy, ...(input.value ?? [])])
      if (!out.has(field)) out.set(field, { field, paths: fieldPaths(pipeline, {}, field), from: 'detection' });
  return { id: c.id, title: c.rule.title, file: c.rule.location.file, fields: [...out.values()], keywords: false, logsource: [] };
}

/** The fields of every rule of a rule set, of the base rules found beside correlations, and of the correlations. */
export function fieldsOfRuleSet(loaded: LoadedRuleSet, correlations?: CorrelationSet): RuleFields[] {
  const out = loaded.rules.map((r) => fieldsOfRule(loaded.pipeline, r.compiled.rule, r.file));
  const ids = new Set(out.map((r) => r.id));
  for (const r of correlations?.rules ?? []) {
    if (ids.has(r.rule.id)) continue;
    ids.add(r.rule.id);
    out.push(fieldsOfRule(loaded.pipeline, r.rule, r.rule.location.file));
  }
  for (const c of correlations?.correlations ?? []) out.push(fieldsOfCorrelation(loaded.pipeline, c));
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Counts, per path, the events that hold it (a leaf value: a string, number, boolean, or a list of them). */
export class FieldCounter {
  /** Leaf paths → events holding them. */
  readonly leaves = new Map<string, number>();
  /** Paths of objects (`process` for `process.name`): a rule field naming one is present too. */
  readonly objects = new Set<string>();
  events = 0;
  /** Paths not counted because `maxPaths` distinct paths were already counted. */
  dropped = 0;
  private readonly seen = new Set<string>();

  constructor(private readonly maxPaths = 100_000) {}

  add(event: Record<string, unknown>): void {
    this.events++;
    this.seen.clear();
    this.walk(event, '');
  }

  private walk(v: Record<string, unknown>, prefix: string): void {
    for (const key of Object.keys(v)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      const value = v[key];
      if (value === null || value === undefined) continue;
      const items = Array.isArray(value) ? value : [value];
      let leaf = false;
      for (const item of items) {
        if (isPlainObject(item)) {
          if (!this.objects.has(path) && this.objects.size < this.maxPaths) this.objects.add(path);
          this.walk(item, path);
        } else if (item !== null && item !== undefined) leaf = true;
      }
      if (!leaf || this.seen.has(path)) continue;
      this.seen.add(path);
      const n = this.leaves.get(path);
      if (n !== undefined) this.leaves.set(path, n + 1);
      else if (this.leaves.size < this.maxPaths) this.leaves.set(path, 1);
      else this.dropped++;
    }
  }

  has(path: string): boolean {
    return this.leaves.has(path) || this.objects.has(path);
  }
}

/** Counts, per logsource of the rules, the events that meet it (each logsource tested once per event). */
export class LogsourceCounter {
  readonly hits = new Map<string, number>();
  private readonly tests: Array<[string, (event: object) => boolean]> = [];

  constructor(rules: readonly RuleFields[]) {
    for (const r of rules)
      if (r.meets && !this.hits.has(r.meets.id)) {
        this.hits.set(r.meets.id, 0);
        this.tests.push([r.meets.id, r.meets.test]);
      }
  }

  add(event: object): void {
    for (const [id, test] of this.tests) if (test(event)) this.hits.set(id, (this.hits.get(id) as number) + 1);
  }
}

export interface MissingField extends RuleField {
  readonly rule: { readonly id: string; readonly title: string; readonly file: string };
}

export interface FieldsReport {
  readonly events: number;
  /** Rule fields none of whose paths the data holds, by rule. */
  readonly missing: MissingField[];
  /**
   * Rules that can never fire on this data: no event meets their logsource (`logsource`), or
   * every field their detection reads is missing and they search no keyword (`fields`).
   */
  readonly neverFire: Array<{ id: string; title: string; file: string; why: 'logsource' | 'fields'; logsource?: string }>;
  /** The most frequent leaf paths no rule reads, most frequent first. */
  readonly unread: Array<{ path: string; events: number }>;
  readonly droppedPaths: number;
}

export function fieldsReport(rules: readonly RuleFields[], counter: FieldCounter, logsources: LogsourceCounter, top = 20): FieldsReport {
  const missing: MissingField[] = [];
  const neverFire: FieldsReport['neverFire'] = [];
  const read = new Set<string>();
  for (const r of rules) {
    const rule = { id: r.id, title: r.title, file: r.file };
    let detectionPresent = 0;
    let detectionFields = 0;
    const present = (f: RuleField): boolean => f.paths.some((p) => counter.has(p));
    // Why no event meets the logsource, when fields are the reason: an entry whose ORed condition maps all lack a field.
    const impossible = r.logsource.filter((entry) => entry.length > 0 && !entry.some((cond) => cond.every(present)));
    const logsourceMet = r.meets === undefined || (logsources.hits.get(r.meets.id) ?? 0) > 0;
    const shown = new Set<string>();
    for (const f of impossible.flat(2))
      if (!present(f) && !shown.has(f.field)) {
        shown.add(f.field);
        missing.push({ ...f, rule });
      }
    for (const entry of r.logsource) for (const f of entry.flat()) for (const p of f.paths) read.add(p);
    for (const f of r.fields) {
      for (const p of f.paths) read.add(p);
      const here = present(f);
      if (f.from === 'detection') {
        detectionFields++;
        if (here) detectionPresent++;
      }
      if (!here) missing.push({ ...f, rule });
    }
    if (!logsourceMet) neverFire.push({ ...rule, why: 'logsource', logsource: r.meets?.id });
    else if (detectionFields > 0 && detectionPresent === 0 && !r.keywords) neverFire.push({ ...rule, why: 'fields' });
  }
  const unread = [...counter.leaves]
    .filter(([path]) => !read.has(path))
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, top)
    .map(([path, events]) => ({ path, events }));
  return { events: counter.events, missing, neverFire, unread, droppedPaths: counter.dropped };
}
