/**
 * `vigil rules validate [paths…]` and `vigil rules test [paths…]` (default `rules/sigma`), with
 * `--pipeline <name>` (default `ecs`): the field mapping and logsource mapping the engine uses.
 * Correlation files among the paths are loaded as `vigil run` and `vigil hunt` load them (the
 * paths' rules are their base rules), validated, and tested through their own sidecars.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseYaml } from '../../core/yaml/index.js';
import { VigilError } from '../../core/errors/index.js';
import { loadCorrelations, type CorrelationSet } from '../../detections/correlation/index.js';
import { parseCorrelationSidecar, runCorrelationSidecar } from '../../detections/correlation/sidecar.js';
import {
  asBaseRule,
  DEFAULT_PIPELINE,
  loadRuleSet,
  PipelineError,
  type LoadedRuleSet,
  type PipelineRule,
} from '../../detections/pipelines/index.js';
import { parseArgs } from '../args.js';
import { fixedLookup, provideLookups } from '../../detections/sigma/lookups.js';

export interface RulesIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo: RulesIo = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

export const USAGE = `usage: vigil rules validate [--pipeline NAME] [path…]
       vigil rules lint [--format text|json|sarif] [--list-checks] [--select IDS] [--ignore IDS] [path…]
       vigil rules test [--pipeline NAME] [path…]
       vigil rules coverage [--out FILE] [--format layer|table] [path…]
       vigil rules backtest --data FILE|DIR… --baseline FILE [--update] [path…]
Paths are rule files or folders (default rules/sigma). A rule's tests live beside it in
<rule>.tests.yml: {match: [events it must fire on], nomatch: [events it must not], intel: {ip: [values of the list]}}; a
correlation file's: {events: [events, or {repeat, every, event}], expect: [{correlation,
group, count, values}]}, the alerts its correlations must raise, and no others.`;

export async function run(argv: string[], io: RulesIo = defaultIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'lint') return (await import('./rules-lint.js')).runLint(rest, io);
  if (sub === 'coverage') return (await import('./rules-coverage.js')).runCoverage(rest, io);
  if (sub === 'backtest') return (await import('./rules-backtest.js')).runBacktest(rest, io);
  const { flags, switches, positional } = parseArgs(rest, { flags: ['pipeline'] as const, switches: ['help'] as const });
  if (switches.help || sub === '--help' || sub === 'help') {
    io.out(USAGE);
    return 0;
  }
  const paths = positional.length > 0 ? positional : ['rules/sigma'];
  const pipeline = flags.pipeline ?? DEFAULT_PIPELINE;
  let loaded: LoadedRuleSet;
  try {
    loaded = loadRuleSet(paths, { pipeline });
  } catch (err) {
    if (!(err instanceof PipelineError)) throw err;
    for (const p of err.problems) io.err(p.describe());
    return 2;
  }
  if (sub !== 'validate' && sub !== 'test')
    throw new VigilError('CLI_USAGE', `unknown rules command ${sub === undefined ? '' : `"${sub}"`}\n${USAGE}`);
  const correlations = loadCorrelations(paths, { rules: loaded.rules.map(asBaseRule) });
  // A file of several documents is read by both loaders: its problems are reported once.
  const seen = new Set(loaded.errors.map((e) => e.describe()));
  const correlationErrors = correlations.errors.filter((e) => !seen.has(e.describe()));
  return sub === 'validate' ? validate(loaded, correlations, correlationErrors, io) : test(loaded, correlations, correlationErrors, io);
}

const show = (file: string): string => {
  const r = relative(process.cwd(), file);
  return r.startsWith('..') ? file : r;
};

function describe(e: VigilError): string {
  const file = e.location?.file;
  return file ? e.describe().replace(file, show(file)) : e.describe();
}

/** Prints every problem with its location, warnings for rules the pipeline never shows an event, and a summary. */
function validate(loaded: LoadedRuleSet, correlations: CorrelationSet, correlationErrors: readonly VigilError[], io: RulesIo): number {
  for (const e of loaded.errors) io.out(describe(e));
  for (const e of correlationErrors) io.out(describe(e));
  const silent = loaded.rules.filter((r) => r.logsource.kind === 'none');
  for (const r of silent) {
    io.out(
      `${show(r.file)}:${r.compiled.rule.location.line ?? 1}: warning: no logsource mapping for '${r.logsource.id}' in pipeline '${loaded.pipeline.name}': the rule sees no event`,
    );
  }
  const rejected = new Set(loaded.errors.map((e) => e.location?.file)).size;
  const brokenCorrelationFiles = new Set(correlationErrors.map((e) => e.location?.file)).size;
  io.out(
    `${plural(loaded.files, 'file')}: ${loaded.rules.length} loaded, ${rejected} rejected (${plural(loaded.errors.length, 'problem')})` +
      (silent.length > 0 ? `, ${silent.length} without a logsource mapping` : '') +
      (loaded.correlationFiles > 0 || correlationErrors.length > 0
        ? `; ${plural(loaded.correlationFiles, 'correlation file')}: ${plural(correlations.correlations.length, 'correlation')} loaded, ` +
          `${brokenCorrelationFiles} with problems (${plural(correlationErrors.length, 'problem')})`
        : '') +
      ` [pipeline ${loaded.pipeline.name}]`,
  );
  return loaded.errors.length > 0 || correlationErrors.length > 0 ? 1 : 0;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

interface Sidecar {
  match?: unknown[];
  nomatch?: unknown[];
  /** Values of the `intel` lists the cases run against, by list name (no feed runs here). */
  intel?: Record<string, string[]>;
}

function fires(r: PipelineRule, event: unknown): boolean {
  if (event === null || typeof event !== 'object') return false;
  return r.logsource.test(event) && r.compiled.match(event) !== null;
}

/** Runs each rule's and each correlation file's sidecar tests; prints a table and the failures. */
function test(loaded: LoadedRuleSet, correlations: CorrelationSet, correlationErrors: readonly VigilError[], io: RulesIo): number {
  for (const e of [...loaded.errors, ...correlationErrors]) io.err(describe(e));
  const rows: [string, string, string, string][] = [];
  const failures: string[] = [];
  let failed = loaded.errors.length > 0 || correlationErrors.length > 0 ? 1 : 0;
  let untested = 0;
  for (const r of loaded.rules) {
    const sidecar = r.file.replace(/\.ya?ml$/i, '.tests.yml');
    if (!existsSync(sidecar)) {
      untested++;
      continue;
    }
    let spec: Sidecar;
    try {
      spec = (parseYaml(readFileSync(sidecar, 'utf8')) ?? {}) as Sidecar;
      if (
        typeof spec !== 'object' ||
        (spec.match !== undefined && !Array.isArray(spec.match)) ||
        (spec.nomatch !== undefined && !Array.isArray(spec.nomatch))
      )
        throw new Error("a sidecar is a map with 'match' and 'nomatch' lists of events");
    } catch (err) {
      failures.push(`${show(sidecar)}: ${err instanceof Error ? err.message : String(err)}`);
      rows.push([show(r.file), '-', '-', 'ERROR']);
      failed = 1;
      continue;
    }
    const match = spec.match ?? [];
    const nomatch = spec.nomatch ?? [];
    let okMatch = 0;
    let okNomatch = 0;
    const restore = provideLookups(
      Object.fromEntries(
        Object.entries(spec.intel ?? {}).map(([name, values]) => [name, fixedLookup(Array.isArray(values) ? values.map(String) : [])]),
      ),
    );
    try {
      match.forEach((e, i) => {
        if (fires(r, e)) okMatch++;
        else failures.push(`${show(sidecar)}: match[${i}] did not fire ${r.compiled.rule.id} (${r.compiled.rule.title})`);
      });
      nomatch.forEach((e, i) => {
        if (!fires(r, e)) okNomatch++;
        else failures.push(`${show(sidecar)}: nomatch[${i}] fired ${r.compiled.rule.id} (${r.compiled.rule.title})`);
      });
    } finally {
      restore();
    }
    const ok = okMatch === match.length && okNomatch === nomatch.length;
    if (!ok) failed = 1;
    rows.push([show(r.file), `${okMatch}/${match.length}`, `${okNomatch}/${nomatch.length}`, ok ? 'ok' : 'FAIL']);
  }
  const corr = testCorrelations(correlations, failures);
  untested += corr.untested;
  if (corr.rows.some((r) => r[2] !== 'ok')) failed = 1;

  if (rows.length > 0 || corr.rows.length === 0) printTable(io, [['rule', 'match', 'nomatch', 'result'], ...rows]);
  if (corr.rows.length > 0) printTable(io, [['correlation file', 'alerts', 'result'], ...corr.rows]);
  for (const f of failures) io.out(f);
  const passed = rows.filter((r) => r[3] === 'ok').length + corr.rows.filter((r) => r[2] === 'ok').length;
  const total = rows.length + corr.rows.length;
  const problems = loaded.errors.length + correlationErrors.length;
  io.out(
    `${passed} passed, ${total - passed} failed` +
      (untested > 0 ? ` (${plural(untested, 'file')} without tests)` : '') +
      (problems > 0 ? `, ${plural(problems, 'rule problem')}` : ''),
  );
  return failed;
}

/** Each correlation file's sidecar, through every loaded correlation: a row per file (file, expected alerts raised, result). */
function testCorrelations(set: CorrelationSet, failures: string[]): { rows: [string, string, string][]; untested: number } {
  const byFile = new Map<string, CorrelationSet['correlations']>();
  for (const c of set.correlations) {
    const file = c.rule.location.file;
    byFile.set(file, [...(byFile.get(file) ?? []), c]);
  }
  const rows: [string, string, string][] = [];
  let untested = 0;
  for (const [file, own] of byFile) {
    const sidecar = file.replace(/\.ya?ml$/i, '.tests.yml');
    if (!existsSync(sidecar)) {
      untested++;
      continue;
    }
    try {
      const spec = parseCorrelationSidecar(readFileSync(sidecar, 'utf8'), sidecar);
      const result = runCorrelationSidecar(set, own, spec);
      for (const f of result.failures) failures.push(`${show(sidecar)}: ${f}`);
      rows.push([show(file), `${result.passed}/${spec.expect.length}`, result.failures.length === 0 ? 'ok' : 'FAIL']);
    } catch (err) {
      failures.push(`${show(sidecar)}: ${err instanceof Error ? err.message : String(err)}`);
      rows.push([show(file), '-', 'ERROR']);
    }
  }
  return { rows, untested };
}

/** Prints rows (the first is the header) as columns padded to their widest cell. */
function printTable(io: RulesIo, rows: readonly (readonly string[])[]): void {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0)));
  for (const r of rows)
    io.out(
      r
        .map((c, i) => c.padEnd(widths[i] as number))
        .join('  ')
        .trimEnd(),
    );
}
