/**
 * `vigil rules backtest [rules…] --data FILE|DIR… --baseline FILE [--update] [--pipeline NAME]`:
 * runs the rules and correlations over the data exactly as `vigil hunt` does (it is `vigil hunt
 * --output jsonl`, its alerts counted per rule id), or with `--from-kafka --from T --to T
 * [--config F]` over a time range of `vigil.events` as `vigil replay` reads it
 * (rules-backtest-kafka.ts), then compares the counts with the baseline
 * (detections/quality/baseline.ts). Exit 0 when every count matches, 1 with a table of the
 * rules that fired more, less, not at all, or newly; `--update` writes the counts as the
 * baseline instead. Rules default to rules/sigma and rules/correlation.
 */
import { writeFileSync } from 'node:fs';
import { VigilError } from '../../core/errors/index.js';
import { baselineTitles, compareCounts, formatBaseline, formatBaselineJson, readBaseline } from '../../detections/quality/baseline.js';
import { loadRetroRules } from '../../detections/engine/retro.js';
import { DEFAULT_PIPELINE } from '../../detections/pipelines/index.js';
import { backtestJunit } from '../../detections/quality/junit.js';
import { parseArgs } from '../args.js';
import type { ToolIo } from '../io.js';
import { run as hunt } from './hunt.js';
import type { RulesIo } from './rules.js';

export const BACKTEST_USAGE = `usage: vigil rules backtest --data FILE|DIR [--data …] --baseline FILE [--update] [--format text|json|junit] [--pipeline NAME] [rules…]
       vigil rules backtest --from-kafka --from TIME --to TIME [--config FILE] --baseline FILE [--update] [--format …] [rules…]
Runs the rules (default rules/sigma rules/correlation) over the data as vigil hunt does (or over what
vigil.events received between two times, as vigil replay does, writing nothing) and compares
how often each rule fired with the baseline (YAML or JSON: rule id: count). Exit 1 when a rule
fires more, less, not at all, or is not in the baseline; --update writes the baseline instead
(JSON when FILE ends in .json, else YAML with each rule's title as a comment).`;

export async function runBacktest(argv: string[], io: RulesIo): Promise<number> {
  const { flags, switches, lists, positional } = parseArgs(argv, {
    flags: ['baseline', 'pipeline', 'from', 'to', 'config', 'format'] as const,
    switches: ['help', 'update', 'from-kafka'] as const,
    lists: ['data'] as const,
  });
  if (switches.help) {
    io.out(BACKTEST_USAGE);
    return 0;
  }
  const kafka = switches['from-kafka'] === true;
  if (kafka === lists.data.length > 0) throw new VigilError('CLI_USAGE', `give either --data or --from-kafka\n${BACKTEST_USAGE}`);
  if (kafka && (!flags.from || !flags.to)) throw new VigilError('CLI_USAGE', `--from-kafka needs --from and --to\n${BACKTEST_USAGE}`);
  if (!flags.baseline) throw new VigilError('CLI_USAGE', `--baseline is required\n${BACKTEST_USAGE}`);
  const format = flags.format ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'junit')
    throw new VigilError('CLI_USAGE', `--format is text, json or junit\n${BACKTEST_USAGE}`);
  const rules = positional.length > 0 ? positional : ['rules/sigma', 'rules/correlation'];
  // Read before the run: a broken baseline fails fast.
  const baseline = switches.update ? undefined : readBaseline(flags.baseline);

  const counts = new Map<string, number>();
  // A rule that no longer fires is named by the title its baseline line keeps.
  const titles = switches.update ? new Map<string, string>() : baselineTitles(flags.baseline);
  const count = (alert: { rule?: unknown }): void => {
    const rule = alert.rule as { id?: string; name?: string } | undefined;
    if (rule?.id === undefined) return;
    counts.set(rule.id, (counts.get(rule.id) ?? 0) + 1);
    if (rule.name) titles.set(rule.id, rule.name);
  };
  // Hunt writes its alerts a batch at a time: one call, one JSON line per alert.
  const huntIo: ToolIo = {
    out: (text) => {
      for (const line of text.split('\n')) if (line !== '') count(JSON.parse(line) as { rule?: unknown });
    },
    err: io.err,
    now: () => new Date(),
  };
  const pipeline = flags.pipeline ?? DEFAULT_PIPELINE;
  const code = kafka
    ? await (
        await import('./rules-backtest-kafka.js')
      ).alertsFromKafka(
        rules,
        pipeline,
        { config: flags.config ?? 'vigil.yaml', from: flags.from as string, to: flags.to as string },
        huntIo,
        count,
        BACKTEST_USAGE,
      )
    : await hunt([...rules.flatMap((r) => ['--rules', r]), '--pipeline', pipeline, '--output', 'jsonl', ...lists.data], huntIo);
  if (code !== 0) return code;

  if (switches.update) {
    writeFileSync(
      flags.baseline,
      /\.json$/i.test(flags.baseline)
        ? formatBaselineJson(counts)
        : formatBaseline(counts, titles, [
            'Fire counts per rule id: vigil rules backtest fails when a rule fires more, less or not at all.',
            `Written by: vigil rules backtest --update --baseline ${flags.baseline} ${kafka ? `--from-kafka --from ${flags.from} --to ${flags.to}` : `--data ${lists.data.join(' --data ')}`} ${rules.join(' ')}`,
          ]),
    );
    io.out(`baseline written to ${flags.baseline}: ${counts.size} rule${counts.size === 1 ? '' : 's'} fired`);
    return 0;
  }
  if ([...(baseline as Map<string, number>).keys()].some((id) => !titles.has(id) && !counts.has(id))) addTitles(titles, rules, pipeline);
  const changes = compareCounts(baseline as Map<string, number>, counts, titles);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  if (format === 'json') {
    const ok = changes.length === 0;
    io.out(JSON.stringify({ ok, baseline: flags.baseline, counts: Object.fromEntries([...counts].sort()), changes }, null, 2));
    return ok ? 0 : 1;
  }
  if (format === 'junit') {
    io.out(backtestJunit(baseline as Map<string, number>, counts, changes, titles));
    return changes.length === 0 ? 0 : 1;
  }
  if (changes.length === 0) {
    io.out(
      `backtest ok: ${counts.size} rule${counts.size === 1 ? '' : 's'} fired ${total} time${total === 1 ? '' : 's'}, as the baseline says`,
    );
    return 0;
  }
  const rows = [
    ['rule', 'baseline', 'now', 'change', 'title'],
    ...changes.map((c) => [c.id, String(c.baseline), String(c.actual), c.change, c.title ?? '']),
  ];
  const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  for (const r of rows)
    io.out(
      r
        .map((c, i) => c.padEnd(widths[i] as number))
        .join('  ')
        .trimEnd(),
    );
  io.out(`backtest FAILED: ${changes.length} rule${changes.length === 1 ? '' : 's'} differ from ${flags.baseline}`);
  return 1;
}

/** Titles of the rules that did not fire, from the rule files (only read when a baseline names such a rule). */
function addTitles(titles: Map<string, string>, paths: readonly string[], pipeline: string): void {
  const loaded = loadRetroRules(paths, { pipeline, prefilter: false });
  for (const m of loaded.ruleset.matchers) if (!titles.has(m.fired.id)) titles.set(m.fired.id, m.fired.title);
  for (const c of loaded.correlations.correlations) if (!titles.has(c.id)) titles.set(c.id, c.rule.title);
}
