/**
 * Rule files → compiled rules. A bad rule is reported and skipped; it never stops the others.
 * Sigma filters found among the files are applied to the rules they name.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { VigilError } from '../../core/errors/index.js';
import { compileDetectionModel, type CompileOptions, type CompiledDetection, type EventTest } from './compile.js';
import { filterApplies } from './filter.js';
import type { Rule, SigmaFilter } from './model.js';
import { parseSigmaFile, type ParsedFile } from './parse.js';
import type { ParseCache } from './parse-cache.js';
import { toVigilError, type Problem } from './problems.js';

export interface MatchResult {
  readonly rule: Rule;
  /** Every search identifier of the rule that matched the event, in rule order (filters that matched are listed too; the condition decides). */
  readonly selections: string[];
}

export interface CompiledRule {
  readonly rule: Rule;
  /** A result when the rule's condition (and every filter applied to it) holds for the event, otherwise null. */
  match(event: object): MatchResult | null;
}

export interface LoadOptions extends CompileOptions {
  /** Models parsed by earlier runs (`vigil hunt`); clean models parsed here are added to it. Default: none. */
  readonly parseCache?: ParseCache;
}

/** A Sigma filter that loaded, and the ids of the rules it was applied to. */
export interface LoadedFilter {
  readonly filter: SigmaFilter;
  readonly appliedTo: readonly string[];
}

/** A filter compiled once and shared by the rules it applies to. */
interface CompiledFilter {
  readonly filter: SigmaFilter;
  readonly test: EventTest;
  readonly appliedTo: string[];
}

function ruleMatcher(model: Rule, compiled: CompiledDetection, filters: readonly CompiledFilter[]): CompiledRule {
  const { realize } = compiled;
  if (!realize) return builtMatcher(model, compiled, filters);
  // Compiled on first use (`lazy`): the first call puts the built matcher in its own place.
  const lazy: CompiledRule = {
    rule: model,
    match: (event) => {
      lazy.match = builtMatcher(model, realize(), filters).match;
      return lazy.match(event);
    },
  };
  return lazy;
}

function builtMatcher(model: Rule, compiled: CompiledDetection, filters: readonly CompiledFilter[]): CompiledRule {
  const tests = [compiled.matches, ...filters.map((f) => f.test)];
  const holds: EventTest =
    tests.length === 1
      ? compiled.matches
      : (e) => {
          for (let k = 0; k < tests.length; k++) if (!(tests[k] as EventTest)(e)) return false;
          return true;
        };
  return {
    rule: model,
    match: (event) => (holds(event) ? { rule: model, selections: compiled.selectionsOf(event) } : null),
  };
}

/** Compiles what a file holds; problems found on the fast (position-less) path send it through the located parser. */
function compileFile(
  text: string,
  file: string,
  options: LoadOptions,
): { parsed: ParsedFile; compiled?: CompiledDetection; problems: readonly Problem[] } {
  const cache = options.parseCache;
  const cached = cache?.get(file, text);
  let parsed = cached ?? parseSigmaFile(text, file, true);
  for (;;) {
    const detection = parsed.rule?.detection ?? parsed.filter?.detection;
    const problems = [...parsed.problems];
    let compiled: CompiledDetection | undefined;
    if (detection) {
      // Compile even when parsing found problems, so that condition problems are reported in the same pass.
      // A cached model compiled without a problem (under no placeholders) when it was kept.
      const checked = parsed === cached && options.lazy === true && options.placeholders === undefined;
      const result = compileDetectionModel(detection, checked ? { ...options, checked } : options);
      for (const item of result.problems) problems.push(item);
      compiled = result.compiled;
    }
    if (problems.length === 0 && parsed !== cached && options.placeholders === undefined) cache?.put(file, text, parsed);
    if (problems.length === 0 || parsed.located) return { parsed, compiled: problems.length === 0 ? compiled : undefined, problems };
    parsed = parseSigmaFile(text, file, false);
  }
}

/**
 * Parses and compiles one rule from its text. `file` is only used to name locations. A filter
 * file yields no rule and no error, and is returned as `filter` (loadRules applies filters).
 */
export function loadRuleText(
  text: string,
  file: string,
  options: LoadOptions = {},
): { rule: CompiledRule | undefined; errors: VigilError[]; filter?: SigmaFilter } {
  const { parsed, compiled, problems } = compileFile(text, file, options);
  const errors = problems.map((p) => toVigilError(p, file));
  if (parsed.filter && compiled) return { rule: undefined, errors, filter: parsed.filter };
  const rule = parsed.rule && compiled ? ruleMatcher(parsed.rule, compiled, []) : undefined;
  return { rule, errors };
}

/** Rule files under these paths: a file is taken as is; a folder is walked recursively for `.yml`/`.yaml`, skipping `*.tests.yml` sidecars. */
export function findRuleFiles(paths: readonly string[], errors: VigilError[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (err) {
      errors.push(readError(dir, err));
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      // Symlinked folders are not followed (no cycles); symlinked files are.
      if (e.isDirectory()) walk(p);
      else if ((e.isFile() || (e.isSymbolicLink() && isFile(p))) && isRuleFileName(e.name)) out.push(p);
    }
  };
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch (err) {
      errors.push(readError(p, err));
      continue;
    }
    if (st.isDirectory()) walk(p);
    else out.push(p);
  }
  return out;
}

export function isRuleFileName(name: string): boolean {
  const ext = extname(name).toLowerCase();
  return (ext === '.yml' || ext === '.yaml') && !/\.tests\.ya?ml$/i.test(name);
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

const readText = (file: string): string => readFileSync(file, 'utf8');

export function readError(file: string, err: unknown): VigilError {
  const reason = err instanceof Error ? err.message : String(err);
  return new VigilError('CONFIG_READ', `cannot read rules: ${reason}`, { cause: err, location: { file } });
}

/**
 * Loads every rule under `paths` (files or folders). Returns the rules that compiled and one
 * error per problem, each with file and line; a rule with any problem is left out. Two rules
 * with one id: the second is left out. Sigma filters among the files are applied to the rules
 * they name and returned in `filters`.
 */
export function loadRules(
  paths: readonly string[],
  options: LoadOptions = {},
): { rules: CompiledRule[]; errors: VigilError[]; filters: LoadedFilter[] } {
  const errors: VigilError[] = [];
  const files = findRuleFiles(paths, errors);
  const out = loadRuleFiles(files, options);
  return { ...out, errors: [...errors, ...out.errors] };
}

/** `loadRules` over rule files already found (`findRuleFiles`), their text read by `read`. */
export function loadRuleFiles(
  files: readonly string[],
  options: LoadOptions = {},
  read: (file: string) => string = readText,
): { rules: CompiledRule[]; errors: VigilError[]; filters: LoadedFilter[] } {
  const errors: VigilError[] = [];
  const loaded: { rule: Rule; compiled: CompiledDetection }[] = [];
  const filters: CompiledFilter[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = read(file);
    } catch (err) {
      errors.push(readError(file, err));
      continue;
    }
    const { parsed, compiled, problems } = compileFile(text, file, options);
    for (const p of problems) errors.push(toVigilError(p, file));
    if (!compiled) continue;
    if (parsed.filter) filters.push({ filter: parsed.filter, test: compiled.matches, appliedTo: [] });
    else if (parsed.rule) loaded.push({ rule: parsed.rule, compiled });
  }

  const rules: CompiledRule[] = [];
  const seen = new Map<string, Rule>();
  for (const { rule, compiled } of loaded) {
    const first = seen.get(rule.id);
    if (first) {
      errors.push(
        new VigilError('RULE_INVALID', `duplicate rule id '${rule.id}' (first defined in ${first.location.file})`, {
          location: { file: rule.location.file, line: rule.location.line, column: rule.location.column, path: 'id' },
        }),
      );
      continue;
    }
    seen.set(rule.id, rule);
    const applied = filters.filter((f) => filterApplies(f.filter, rule));
    for (const f of applied) f.appliedTo.push(rule.id);
    rules.push(ruleMatcher(rule, compiled, applied));
  }
  return { rules, errors, filters: filters.map((f) => ({ filter: f.filter, appliedTo: f.appliedTo })) };
}

/** Every rule that matches the event. */
export function matchAll(rules: readonly CompiledRule[], event: object): MatchResult[] {
  const out: MatchResult[] = [];
  for (const r of rules) {
    const m = r.match(event);
    if (m) out.push(m);
  }
  return out;
}
