/**
 * `vigil rules validate [paths…]` and `vigil rules test [paths…]` (default `rules/sigma`), with
 * `--pipeline <name>` (default `ecs`): the field mapping and logsource mapping the engine uses.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { VigilError } from '../../core/errors/index.js';
import { DEFAULT_PIPELINE, loadRuleSet, PipelineError, type LoadedRuleSet, type PipelineRule } from '../../detections/pipelines/index.js';
import { parseArgs } from '../args.js';

export interface RulesIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo: RulesIo = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

export const USAGE = `usage: vigil rules validate [--pipeline NAME] [path…]
       vigil rules test [--pipeline NAME] [path…]
Paths are rule files or folders (default rules/sigma). A rule's tests live beside it in
<rule>.tests.yml: {match: [events it must fire on], nomatch: [events it must not]}.`;

export async function run(argv: string[], io: RulesIo = defaultIo): Promise<number> {
  const [sub, ...rest] = argv;
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
  if (sub === 'validate') return validate(loaded, io);
  if (sub === 'test') return test(loaded, io);
  throw new VigilError('CLI_USAGE', `unknown rules command ${sub === undefined ? '' : `"${sub}"`}\n${USAGE}`);
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
function validate(loaded: LoadedRuleSet, io: RulesIo): number {
  for (const e of loaded.errors) io.out(describe(e));
  const silent = loaded.rules.filter((r) => r.logsource.kind === 'none');
  for (const r of silent) {
    io.out(
      `${show(r.file)}:${r.compiled.rule.location.line ?? 1}: warning: no logsource mapping for '${r.logsource.id}' in pipeline '${loaded.pipeline.name}': the rule sees no event`,
    );
  }
  const rejected = new Set(loaded.errors.map((e) => e.location?.file)).size;
  io.out(
    `${loaded.files} file${loaded.files === 1 ? '' : 's'}: ${loaded.rules.length} loaded, ${rejected} rejected (${loaded.errors.length} problem${loaded.errors.length === 1 ? '' : 's'})` +
      (silent.length > 0 ? `, ${silent.length} without a logsource mapping` : '') +
      (loaded.correlationFiles > 0
        ? `, ${loaded.correlationFiles} correlation file${loaded.correlationFiles === 1 ? '' : 's'} skipped`
        : '') +
      ` [pipeline ${loaded.pipeline.name}]`,
  );
  return loaded.errors.length > 0 ? 1 : 0;
}

interface Sidecar {
  match?: unknown[];
  nomatch?: unknown[];
}

function fires(r: PipelineRule, event: unknown): boolean {
  if (event === null || typeof event !== 'object') return false;
  return r.logsource.test(event) && r.compiled.match(event) !== null;
}

/** Runs each rule's sidecar tests; prints a table and the failures. */
function test(loaded: LoadedRuleSet, io: RulesIo): number {
  for (const e of loaded.errors) io.err(describe(e));
  const rows: [string, string, string, string][] = [];
  const failures: string[] = [];
  let failed = loaded.errors.length > 0 ? 1 : 0;
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
    match.forEach((e, i) => {
      if (fires(r, e)) okMatch++;
      else failures.push(`${show(sidecar)}: match[${i}] did not fire ${r.compiled.rule.id} (${r.compiled.rule.title})`);
    });
    nomatch.forEach((e, i) => {
      if (!fires(r, e)) okNomatch++;
      else failures.push(`${show(sidecar)}: nomatch[${i}] fired ${r.compiled.rule.id} (${r.compiled.rule.title})`);
    });
    const ok = okMatch === match.length && okNomatch === nomatch.length;
    if (!ok) failed = 1;
    rows.push([show(r.file), `${okMatch}/${match.length}`, `${okNomatch}/${nomatch.length}`, ok ? 'ok' : 'FAIL']);
  }
  const head: [string, string, string, string] = ['rule', 'match', 'nomatch', 'result'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (r: readonly string[]): string =>
    r
      .map((c, i) => c.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  io.out(line(head));
  for (const r of rows) io.out(line(r));
  for (const f of failures) io.out(f);
  const passed = rows.filter((r) => r[3] === 'ok').length;
  io.out(
    `${passed} passed, ${rows.length - passed} failed` +
      (untested > 0 ? ` (${untested} rule${untested === 1 ? '' : 's'} without tests)` : '') +
      (loaded.errors.length > 0 ? `, ${loaded.errors.length} rule problem${loaded.errors.length === 1 ? '' : 's'}` : ''),
  );
  return failed;
}
