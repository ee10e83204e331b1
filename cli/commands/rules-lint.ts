/**
 * `vigil rules lint [path…]` (default rules/sigma and rules/correlation): SigmaHQ conventions,
 * condition logic, modifiers, regexes RE2 refuses, fields against the taxonomy and the pipeline,
 * correlations; `--format text|json|sarif`, `--list-checks`, `--select`/`--ignore` check ids,
 * `--fail-on error|warning|info|never`. Exit 0 when nothing reaches `--fail-on` (default error),
 * 1 when something does, 2 on a usage error.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { VigilError } from '../../core/errors/index.js';
import {
  CHECKS,
  formatJson,
  formatSarif,
  formatText,
  lintPaths,
  SEVERITIES,
  unknownCheckIds,
  type Severity,
} from '../../detections/lint/index.js';
import { PipelineError } from '../../detections/pipelines/index.js';
import { parseArgs } from '../args.js';
import type { RulesIo } from './rules.js';

export const LINT_USAGE = `usage: vigil rules lint [--format text|json|sarif] [--select IDS] [--ignore IDS]
                       [--fail-on error|warning|info|never] [--pipeline NAME] [path…]
       vigil rules lint --list-checks [--format text|json]
Paths are rule files or folders (default rules/sigma rules/correlation). Exit 0 when no finding
reaches --fail-on (default error), 1 when one does, 2 on a usage error.`;

const FORMATS = ['text', 'json', 'sarif'] as const;
const FAIL_ON = [...SEVERITIES, 'never'] as const;

const show = (file: string): string => {
  const r = relative(process.cwd(), file);
  return r.startsWith('..') ? file : r;
};

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function usage(io: RulesIo, message: string): number {
  io.err(`vigil rules lint: ${message}\n${LINT_USAGE}`);
  return 2;
}

export async function runLint(argv: string[], io: RulesIo): Promise<number> {
  let args;
  try {
    args = parseArgs(argv, {
      flags: ['format', 'fail-on', 'pipeline'] as const,
      switches: ['list-checks', 'help'] as const,
      lists: ['select', 'ignore'] as const,
    });
  } catch (err) {
    if (err instanceof VigilError) return usage(io, err.message);
    throw err;
  }
  const { flags, switches, lists, positional } = args;
  if (switches.help) {
    io.out(LINT_USAGE);
    return 0;
  }
  const format = flags.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) return usage(io, `--format must be one of ${FORMATS.join(', ')}, not '${format}'`);
  const failOn = flags['fail-on'] ?? 'error';
  if (!(FAIL_ON as readonly string[]).includes(failOn)) return usage(io, `--fail-on must be one of ${FAIL_ON.join(', ')}, not '${failOn}'`);
  const unknown = unknownCheckIds([...lists.select, ...lists.ignore]);
  if (unknown.length > 0) return usage(io, `no check has the id ${unknown.map((u) => `'${u}'`).join(', ')} (see --list-checks)`);

  if (switches['list-checks']) {
    if (format === 'json')
      io.out(
        JSON.stringify(
          CHECKS.map(({ id, severity, group, description }) => ({ id, severity, group, description })),
          null,
          2,
        ),
      );
    else {
      io.out('| id | severity | group | description |\n|---|---|---|---|');
      for (const c of CHECKS) io.out(`| \`${c.id}\` | ${c.severity} | ${c.group} | ${c.description.replace(/\|/g, '\\|')} |`);
    }
    return 0;
  }

  const paths = positional.length > 0 ? positional : ['rules/sigma', 'rules/correlation'];
  let result;
  try {
    result = lintPaths(paths, {
      select: lists.select,
      ignore: lists.ignore,
      ...(flags.pipeline !== undefined && { pipeline: flags.pipeline }),
    });
  } catch (err) {
    if (err instanceof PipelineError) return usage(io, err.problems.map((p) => p.describe()).join('\n'));
    throw err;
  }
  if (result.unreadable.length > 0) return usage(io, result.unreadable.map((e) => e.describe()).join('\n'));

  const summary = { files: result.files, documents: result.documents };
  if (format === 'json') io.out(JSON.stringify(formatJson(result.findings, summary, show), null, 2));
  else if (format === 'sarif') io.out(JSON.stringify(formatSarif(result.findings, result.checks, version(), show), null, 2));
  else for (const line of formatText(result.findings, summary, show)) io.out(line);

  if (failOn === 'never') return 0;
  const threshold = SEVERITIES.indexOf(failOn as Severity);
  return result.findings.some((f) => SEVERITIES.indexOf(f.severity) <= threshold) ? 1 : 0;
}
