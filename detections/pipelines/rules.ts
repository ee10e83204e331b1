/**
 * Loads Sigma rules under a pipeline: each rule's detection is compiled with the field resolver
 * of its logsource (pySigma applies a pipeline's items by rule logsource), and gets the
 * logsource matcher of the mapping.
 *
 * The compiler takes one resolver per `loadRules` call, so files are grouped by the resolver
 * their logsource gets, read from a light scan of the file, and each group is loaded with its
 * own. Every loaded rule's parsed logsource is then checked against the scan; a file the scan
 * misread is loaded again with the right resolver, so the scan only has to be fast, not exact.
 * (A `CompileOptions` hook giving the resolver the rule's logsource would make this one pass.)
 */
import { readFileSync } from 'node:fs';
import { parseYaml } from '../../core/yaml/index.js';
import { VigilError } from '../../core/errors/index.js';
import type { FieldResolver } from '../sigma/compile.js';
import { holdsCorrelation } from '../correlation/index.js';
import { findRuleFiles, loadRuleFiles, type CompiledRule, type LoadedFilter } from '../sigma/load.js';
import type { ParseCache } from '../sigma/parse-cache.js';
import type { RuleStatus } from '../model/index.js';
import type { Placeholders } from '../sigma/modifiers/index.js';
import { loadPipeline, DEFAULT_PIPELINE } from './load.js';
import { logsourceMatcher, type LogsourceMatcher } from './logsource.js';
import { toLogsourceKey, type LogsourceKey, type Pipeline } from './model.js';
import { resolverFor, resolverKey } from './resolver.js';

/** A rule compiled under a pipeline. It fires on an event when `logsource.test` and `compiled.match` both hold. */
export interface PipelineRule {
  /** The detection (and the Sigma filters applied to it), fields resolved by the pipeline. */
  readonly compiled: CompiledRule;
  readonly logsource: LogsourceMatcher;
  /** How this rule's field names read an event (the prefilter reads the same fields the same way). */
  readonly resolve: FieldResolver;
  readonly file: string;
}

/**
 * A pipeline rule as a correlation's base rule: it matches an event of its logsource only, with
 * the pipeline's field names, as the engine matches it.
 */
export function asBaseRule(r: PipelineRule): CompiledRule {
  const { compiled, logsource } = r;
  return { rule: compiled.rule, match: (event: object) => (logsource.test(event) ? compiled.match(event) : null) };
}

export interface RuleSetOptions {
  /** A pipeline name in `rules/pipelines/`, a path to one, or a loaded pipeline. Default `ecs`. */
  readonly pipeline?: string | Pipeline;
  /** Values for `expand` placeholders. Default: none. */
  readonly placeholders?: Placeholders;
  /** Rules with one of these statuses are left out (and listed in `skipped`). Default: none. */
  readonly skipStatuses?: readonly RuleStatus[];
  /** Rule models parsed by earlier runs, and where this run's are kept (see sigma/parse-cache.ts). Default: none. */
  readonly parseCache?: ParseCache;
  /** Build each rule's matcher the first time it is asked to match; every rule is still checked in full at load (CompileOptions.lazy). Default false. */
  readonly lazyCompile?: boolean;
  /** Filled with every rule file's text, by path, as it is read: a second loader of the same paths (correlations) need not read them again. Default: none. */
  readonly texts?: Map<string, string>;
}

export interface LoadedRuleSet {
  readonly pipeline: Pipeline;
  /** In file order. */
  readonly rules: PipelineRule[];
  /** One per problem, each with file and line; a rule with any problem is left out. */
  readonly errors: VigilError[];
  readonly filters: LoadedFilter[];
  /** Rule files found (filters included, correlation files not). */
  readonly files: number;
  /** Files holding Sigma correlations, left to detections/correlation. */
  readonly correlationFiles: number;
  /** Ids of the rules left out for their status (`skipStatuses`). */
  readonly skipped?: readonly string[];
}

/** What a quick look at a rule file says: a filter or a rule, and its logsource. */
export interface ScannedFile {
  readonly filter: boolean;
  /** A Sigma correlation file (top-level `correlation:`): read by detections/correlation, not here. */
  readonly correlation: boolean;
  readonly logsource: LogsourceKey;
}

const unquote = (s: string): string => {
  const t = s.replace(/\s+#.*$/, '').trim();
  return (t.startsWith("'") && t.endsWith("'")) || (t.startsWith('"') && t.endsWith('"')) ? t.slice(1, -1) : t;
};

/** Reads the top-level `logsource:` block (and whether a top-level `filter:` exists) without parsing the YAML. */
export function scanRuleFile(text: string): ScannedFile {
  const lines = text.split(/\r?\n/);
  let filter = false;
  const correlation = holdsCorrelation(text);
  let logsource: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (/^filter\s*:/.test(line)) filter = true;
    const m = /^logsource\s*:(.*)$/.exec(line);
    if (!m) continue;
    const rest = (m[1] as string).replace(/\s+#.*$/, '').trim();
    if (rest.startsWith('{')) {
      try {
        const v: unknown = parseYaml(rest);
        if (v && typeof v === 'object') logsource = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
      } catch {
        // the loader reports it
      }
      continue;
    }
    for (let j = i + 1; j < lines.length; j++) {
      const l = lines[j] as string;
      if (l.trim() === '' || l.trimStart().startsWith('#')) continue;
      if (!/^\s/.test(l)) break;
      const km = /^\s+(product|category|service)\s*:\s*(.*)$/.exec(l);
      if (km) logsource[km[1] as string] = unquote(km[2] as string);
    }
  }
  return { filter, correlation, logsource: toLogsourceKey(logsource) };
}

interface Group {
  readonly logsource: LogsourceKey;
  readonly files: string[];
}

/**
 * Loads every rule under `paths` with the pipeline's field mapping and logsource matchers. A bad
 * rule is reported and skipped. Two rules with one id: the later file's is left out.
 */
export function loadRuleSet(paths: readonly string[], options: RuleSetOptions = {}): LoadedRuleSet {
  const pipeline = typeof options.pipeline === 'object' ? options.pipeline : loadPipeline(options.pipeline ?? DEFAULT_PIPELINE);
  const errors: VigilError[] = [];
  const files = findRuleFiles(paths, errors);
  const order = new Map(files.map((f, i) => [f, i]));
  const filterFiles: string[] = [];
  let correlationFiles = 0;
  const groups = new Map<string, Group>();
  const addTo = (ls: LogsourceKey, file: string): void => {
    const key = resolverKey(pipeline, ls);
    let g = groups.get(key);
    if (!g) {
      g = { logsource: ls, files: [] };
      groups.set(key, g);
    }
    g.files.push(file);
  };
  // Each file is read once: the scan's text is what loadRuleFiles compiles.
  const texts = options.texts ?? new Map<string, string>();
  const read = (file: string): string => texts.get(file) ?? readFileSync(file, 'utf8');
  for (const file of files) {
    let scanned: ScannedFile;
    try {
      const text = readFileSync(file, 'utf8');
      texts.set(file, text);
      scanned = scanRuleFile(text);
    } catch {
      scanned = { filter: false, correlation: false, logsource: {} }; // loadRuleFiles reports the read error
    }
    if (scanned.correlation) correlationFiles++;
    else if (scanned.filter) filterFiles.push(file);
    else addTo(scanned.logsource, file);
  }
  if (groups.size === 0 && filterFiles.length > 0) groups.set('', { logsource: {}, files: [] });

  const seenErrors = new Set<string>();
  const addErrors = (list: readonly VigilError[]): void => {
    for (const e of list) {
      const k = e.describe();
      if (seenErrors.has(k)) continue;
      seenErrors.add(k);
      errors.push(e);
    }
  };
  const filters = new Map<string, { filter: LoadedFilter['filter']; appliedTo: Set<string> }>();
  const loaded: PipelineRule[] = [];
  const loadGroup = (g: Group, only?: ReadonlySet<string>): CompiledRule[] => {
    const resolve = resolverFor(pipeline, g.logsource);
    const out = loadRuleFiles(
      [...g.files, ...filterFiles],
      { resolveField: resolve, placeholders: options.placeholders, parseCache: options.parseCache, lazy: options.lazyCompile },
      read,
    );
    addErrors(out.errors);
    for (const f of out.filters) {
      const key = `${f.filter.location.file}:${f.filter.location.line ?? 0}`;
      const entry = filters.get(key) ?? { filter: f.filter, appliedTo: new Set<string>() };
      for (const id of f.appliedTo) if (!only || only.has(id)) entry.appliedTo.add(id);
      filters.set(key, entry);
    }
    return out.rules;
  };

  const misread: CompiledRule[] = [];
  for (const [key, g] of groups) {
    for (const c of loadGroup(g)) {
      const ls = toLogsourceKey(c.rule.logsource);
      if (resolverKey(pipeline, ls) !== key) misread.push(c);
      else
        loaded.push({
          compiled: c,
          logsource: logsourceMatcher(pipeline, ls),
          resolve: resolverFor(pipeline, ls),
          file: c.rule.location.file,
        });
    }
  }
  // Files the scan misread (unusual YAML layout): load each again with the resolver of its parsed logsource.
  for (const c of misread) {
    const ls = toLogsourceKey(c.rule.logsource);
    const again = loadGroup({ logsource: ls, files: [c.rule.location.file] }, new Set([c.rule.id]));
    for (const r of again)
      loaded.push({
        compiled: r,
        logsource: logsourceMatcher(pipeline, ls),
        resolve: resolverFor(pipeline, ls),
        file: r.rule.location.file,
      });
  }

  loaded.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0));
  const rules: PipelineRule[] = [];
  const ids = new Map<string, string>();
  const skip = new Set<string>(options.skipStatuses ?? []);
  const skipped: string[] = [];
  for (const r of loaded) {
    const { rule } = r.compiled;
    if (rule.status !== undefined && skip.has(rule.status)) {
      skipped.push(rule.id);
      continue;
    }
    const first = ids.get(rule.id);
    if (first !== undefined) {
      addErrors([
        new VigilError('RULE_INVALID', `duplicate rule id '${rule.id}' (first defined in ${first})`, {
          location: { file: rule.location.file, line: rule.location.line, column: rule.location.column, path: 'id' },
        }),
      ]);
      continue;
    }
    ids.set(rule.id, rule.location.file);
    rules.push(r);
  }
  errors.sort(
    (a, b) =>
      (order.get(a.location?.file ?? '') ?? -1) - (order.get(b.location?.file ?? '') ?? -1) ||
      (a.location?.line ?? 0) - (b.location?.line ?? 0),
  );
  return {
    pipeline,
    rules,
    errors,
    filters: [...filters.values()].map((f) => ({ filter: f.filter, appliedTo: [...f.appliedTo] })),
    files: files.length - correlationFiles,
    correlationFiles,
    skipped,
  };
}
