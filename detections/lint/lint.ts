/**
 * Runs the checks over rule files: each document through every document check, then the set
 * checks over all documents together. Findings are sorted by file, line and column.
 */
import { readFileSync } from 'node:fs';
import type { VigilError } from '../../core/errors/index.js';
import { findRuleFiles, readError } from '../sigma/load.js';
import { readRuleText } from './document.js';
import { SEVERITIES, type At, type Check, type CheckInfo, type Finding, type LintDoc, type LintOptions } from './model.js';
import { CHECKS, YAML_INVALID } from './registry.js';

export interface LintRunOptions extends LintOptions {
  /** Only these check ids (default: all). */
  readonly select?: readonly string[];
  /** Not these check ids. */
  readonly ignore?: readonly string[];
}

export interface LintResult {
  readonly findings: Finding[];
  readonly files: number;
  readonly documents: number;
  /** The checks that ran. */
  readonly checks: readonly CheckInfo[];
  /** Paths that could not be read. */
  readonly unreadable: readonly VigilError[];
}

/** Check ids that `select`/`ignore` name but no check has. */
export function unknownCheckIds(ids: readonly string[]): string[] {
  const known = new Set(CHECKS.map((c) => c.id));
  return ids.filter((id) => !known.has(id));
}

export function selectChecks(options: Pick<LintRunOptions, 'select' | 'ignore'>): Check[] {
  const select = options.select && options.select.length > 0 ? new Set(options.select) : undefined;
  const ignore = new Set(options.ignore ?? []);
  return CHECKS.filter((c) => (!select || select.has(c.id)) && !ignore.has(c.id));
}

function position(at: At, doc: LintDoc | undefined): { line: number; column: number } {
  const pos = at && 'kind' in at ? at.pos : at;
  const root = doc?.root.pos;
  return { line: pos?.line ?? root?.line ?? 1, column: pos?.column ?? (pos?.line === undefined ? root?.column : 1) ?? 1 };
}

/** Lints texts already read (`file` only names locations). */
export function lintTexts(
  files: ReadonlyArray<{ file: string; text: string }>,
  options: LintRunOptions = {},
): Omit<LintResult, 'unreadable'> {
  const checks = selectChecks(options);
  const findings: Finding[] = [];
  const docs: LintDoc[] = [];
  const add = (check: CheckInfo, doc: LintDoc | undefined, file: string, at: At, message: string): void => {
    findings.push({ check: check.id, severity: check.severity, message, file, ...position(at, doc) });
  };
  const runYaml = checks.includes(YAML_INVALID);
  for (const { file, text } of files) {
    const read = readRuleText(text, file);
    if (runYaml) for (const p of read.problems) add(YAML_INVALID, undefined, file, { line: p.at.line, column: p.at.column }, p.message);
    docs.push(...read.docs);
  }
  const selected = new Set(checks.map((c) => c.id));
  for (const doc of docs) {
    const own: Finding[] = [];
    const engine: Finding[] = [];
    // Every document check runs, selected or not: an engine problem a specific check explains stays that check's.
    for (const check of CHECKS) {
      if (!('run' in check)) continue;
      check.run(
        doc,
        (at, message) =>
          (check.group === 'engine' ? engine : own).push({
            check: check.id,
            severity: check.severity,
            message,
            file: doc.file,
            ...position(at, doc),
          }),
        options,
      );
    }
    // The engine's problem that a specific check already explains (the same message, or as severe a finding on its line) is that check's finding.
    const rank = (f: Finding): number => SEVERITIES.indexOf(f.severity);
    const explained = (e: Finding): boolean => own.some((f) => f.message === e.message || (f.line === e.line && rank(f) <= rank(e)));
    findings.push(...[...own, ...engine.filter((e) => !explained(e))].filter((f) => selected.has(f.check)));
  }
  for (const check of checks)
    if ('runAll' in check) check.runAll(docs, (doc, at, message) => add(check, doc, doc.file, at, message), options);
  findings.sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.check < b.check ? -1 : 1),
  );
  return { findings, files: files.length, documents: docs.length, checks };
}

/** Lints the rule files under `paths` (files, or folders walked for .yml/.yaml without test sidecars). */
export function lintPaths(paths: readonly string[], options: LintRunOptions = {}): LintResult {
  const unreadable: VigilError[] = [];
  const files: { file: string; text: string }[] = [];
  for (const file of findRuleFiles(paths, unreadable)) {
    try {
      files.push({ file, text: readFileSync(file, 'utf8') });
    } catch (err) {
      unreadable.push(readError(file, err));
    }
  }
  return { ...lintTexts(files, options), unreadable };
}
