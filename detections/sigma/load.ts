/**
 * Rule files → compiled rules. A bad rule is reported and skipped; it never stops the others.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { VigilError } from '../../core/errors/index.js';
import { compileDetectionModel, type CompileOptions } from './compile.js';
import type { Rule } from './model.js';
import { parseRule } from './parse.js';
import { toVigilError } from './problems.js';

export interface MatchResult {
  readonly rule: Rule;
  /** Every search identifier that matched the event, in rule order (filters that matched are listed too; the condition decides). */
  readonly selections: string[];
}

export interface CompiledRule {
  readonly rule: Rule;
  /** A result when the rule's condition holds for the event, otherwise null. */
  match(event: object): MatchResult | null;
}

export type LoadOptions = CompileOptions;

/** Parses and compiles one rule from its text. `file` is only used to name locations. */
export function loadRuleText(
  text: string,
  file: string,
  options: LoadOptions = {},
): { rule: CompiledRule | undefined; errors: VigilError[] } {
  const parsed = parseRule(text, file);
  const problems = [...parsed.problems];
  let rule: CompiledRule | undefined;
  if (parsed.rule) {
    const model = parsed.rule;
    // Compile even when parsing found problems, so that condition problems are reported in the same pass.
    const { compiled, problems: more } = compileDetectionModel(model.detection, options);
    problems.push(...more);
    if (compiled && problems.length === 0) {
      rule = {
        rule: model,
        match(event) {
          const selections = compiled.matchedSelections(event);
          return selections ? { rule: model, selections } : null;
        },
      };
    }
  }
  return { rule, errors: problems.map((p) => toVigilError(p, file)) };
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

function readError(file: string, err: unknown): VigilError {
  const reason = err instanceof Error ? err.message : String(err);
  return new VigilError('CONFIG_READ', `cannot read rules: ${reason}`, { cause: err, location: { file } });
}

/**
 * Loads every rule under `paths` (files or folders). Returns the rules that compiled and one
 * error per problem, each with file and line; a rule with any problem is left out. Two rules
 * with one id: the second is left out.
 */
export function loadRules(paths: readonly string[], options: LoadOptions = {}): { rules: CompiledRule[]; errors: VigilError[] } {
  const errors: VigilError[] = [];
  const rules: CompiledRule[] = [];
  const seen = new Map<string, Rule>();
  for (const file of findRuleFiles(paths, errors)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      errors.push(readError(file, err));
      continue;
    }
    const result = loadRuleText(text, file, options);
    errors.push(...result.errors);
    if (!result.rule) continue;
    const { rule } = result.rule;
    const first = seen.get(rule.id);
    if (first) {
      errors.push(
        new VigilError('RULE_INVALID', `duplicate rule id '${rule.id}' (first defined in ${first.location.file})`, {
          location: { file, line: rule.location.line, column: rule.location.column, path: 'id' },
        }),
      );
      continue;
    }
    seen.set(rule.id, rule);
    rules.push(result.rule);
  }
  return { rules, errors };
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
