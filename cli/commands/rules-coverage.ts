/**
 * `vigil rules coverage [path…] [--out FILE] [--format layer|table] [--pipeline NAME]` (default
 * rules/sigma and rules/correlation): the ATT&CK Navigator layer of the rules' techniques
 * (detections/quality/coverage.ts) on stdout, or in FILE with `--out`; the table by tactic on
 * stderr, or alone on stdout with `--format table`. Rules that do not load are reported and
 * left out (exit 1); correlations count as rules of their own.
 */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { VigilError } from '../../core/errors/index.js';
import { loadCorrelations } from '../../detections/correlation/index.js';
import { asBaseRule, DEFAULT_PIPELINE, loadRuleSet, PipelineError } from '../../detections/pipelines/index.js';
import { coverage, type CoverageRule } from '../../detections/quality/coverage.js';
import { parseArgs } from '../args.js';
import type { RulesIo } from './rules.js';

export const COVERAGE_USAGE = `usage: vigil rules coverage [--out FILE] [--format layer|table] [--name NAME] [--pipeline NAME] [path…]
Paths are rule folders or files (default rules/sigma rules/correlation). Writes an ATT&CK Navigator
layer (format 4.5, enterprise-attack) scoring each technique by the level and status of the rules
tagged with it; the table by tactic goes to stderr (stdout with --format table).`;

const show = (file: string): string => {
  const r = relative(process.cwd(), file);
  return r.startsWith('..') ? file : r;
};

export async function runCoverage(argv: string[], io: RulesIo): Promise<number> {
  const { flags, switches, positional } = parseArgs(argv, {
    flags: ['out', 'format', 'name', 'pipeline'] as const,
    switches: ['help'] as const,
  });
  if (switches.help) {
    io.out(COVERAGE_USAGE);
    return 0;
  }
  const format = flags.format ?? 'layer';
  if (format !== 'layer' && format !== 'table') throw new VigilError('CLI_USAGE', `--format is layer or table\n${COVERAGE_USAGE}`);
  const paths = positional.length > 0 ? positional : ['rules/sigma', 'rules/correlation'];
  let loaded;
  try {
    loaded = loadRuleSet(paths, { pipeline: flags.pipeline ?? DEFAULT_PIPELINE });
  } catch (err) {
    if (!(err instanceof PipelineError)) throw err;
    for (const p of err.problems) io.err(p.describe());
    return 2;
  }
  const correlations = loadCorrelations(paths, { rules: loaded.rules.map(asBaseRule) });
  const seen = new Set(loaded.errors.map((e) => e.describe()));
  const errors = [...loaded.errors, ...correlations.errors.filter((e) => !seen.has(e.describe()))];
  for (const e of errors) io.err(e.describe());

  const rules: CoverageRule[] = [];
  const ids = new Set<string>();
  const add = (meta: CoverageRule['meta'], file: string): void => {
    if (ids.has(meta.id)) return;
    ids.add(meta.id);
    rules.push({ meta, file: show(file) });
  };
  for (const r of loaded.rules) add(r.compiled.rule, r.file);
  // Base rules that live in correlation files are loaded by the correlation loader only.
  for (const r of correlations.rules) add(r.rule, r.rule.location.file);
  for (const c of correlations.correlations) add(c.rule, c.rule.location.file);

  const result = coverage(rules, flags.name);
  const table = tableLines(result);
  if (format === 'table') for (const l of table) io.out(l);
  else {
    const json = JSON.stringify(result.layer, null, 2);
    if (flags.out) {
      writeFileSync(flags.out, `${json}\n`);
      io.err(`layer written to ${flags.out} (${result.layer.techniques.length} techniques)`);
    } else io.out(json);
    for (const l of table) io.err(l);
  }
  return errors.length > 0 ? 1 : 0;
}

function tableLines(result: ReturnType<typeof coverage>): string[] {
  const rows = [
    ['tactic', 'rules', 'techniques', 'score'],
    ...result.tactics.map((t) => [t.tactic, String(t.rules), String(t.techniques), String(t.score)]),
  ];
  const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  const lines = rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  '));
  const techniques = result.layer.techniques.filter((t) => t.score !== undefined).length;
  lines.push(
    '',
    `${result.counted} rule${result.counted === 1 ? '' : 's'}, ${techniques} technique${techniques === 1 ? '' : 's'} covered, ` +
      `${result.uncovered.length} rule${result.uncovered.length === 1 ? '' : 's'} without an ATT&CK technique tag` +
      (result.excluded.length > 0 ? `, ${result.excluded.length} deprecated or unsupported left out` : ''),
  );
  for (const r of result.uncovered) lines.push(`  uncovered: ${r.meta.title} (${r.meta.id})  ${r.file}`);
  return lines;
}
