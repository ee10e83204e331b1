/**
 * `vigil fields [rules…] --data FILE|DIR… [--pipeline NAME] [--top N] [--format text|json]`:
 * reads the data as `vigil hunt` reads it (cli/hunt/events.ts), or with `--from T --to T
 * [--topic NAME] [--config F]` what a topic (`vigil.events`) received in a time range
 * (cli/kafka-range.ts), streamed, counting the fields events hold, and compares them with the
 * fields the rules read through the pipeline (detections/quality/fields.ts): the rule fields
 * the data never holds, the rules that can therefore never fire here, and the most frequent
 * fields no rule reads.
 */
import { relative } from 'node:path';
import { VigilError } from '../../core/errors/index.js';
import { loadCorrelations } from '../../detections/correlation/index.js';
import { asBaseRule, DEFAULT_PIPELINE, loadRuleSet, PipelineError, type LoadedRuleSet } from '../../detections/pipelines/index.js';
import { FieldCounter, fieldsOfRuleSet, fieldsReport, LogsourceCounter, type FieldsReport } from '../../detections/quality/fields.js';
import { parseArgs } from '../args.js';
import { huntEvents, inputFiles } from '../hunt/events.js';
import { terminalIo, type ToolIo } from '../io.js';
import { describeRead, parseTimeRange, readEventRange, TIME_USAGE, type EventRangeRead, type TimeRange } from '../kafka-range.js';

export const USAGE = `usage: vigil fields --data FILE|DIR [--data …] [--pipeline NAME] [--top N] [--format text|json] [rules…]
       vigil fields --from TIME --to TIME [--topic NAME] [--config FILE] [--pipeline NAME] [--top N] [--format …] [rules…]
Rules default to rules/sigma rules/correlation. Lists the fields rules read (after the pipeline's
mapping) that no event of the data holds, the rules that therefore never fire on it, and the N
(default 20) most frequent fields of the data that no rule reads. The data is the files, or the
events the topic (default vigil.events, with the config's kafka.topicPrefix) received between
the two times, read from Kafka with the config's kafka settings (default vigil.yaml).
${TIME_USAGE}`;

const show = (file: string): string => {
  const r = relative(process.cwd(), file);
  return r.startsWith('..') ? file : r;
};

export async function run(argv: string[], io: ToolIo = terminalIo): Promise<number> {
  const { flags, switches, lists, positional } = parseArgs(argv, {
    flags: ['pipeline', 'top', 'format', 'from', 'to', 'topic', 'config'] as const,
    switches: ['help'] as const,
    lists: ['data'] as const,
  });
  if (switches.help) {
    io.out(USAGE);
    return 0;
  }
  const format = flags.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new VigilError('CLI_USAGE', `--format is text or json\n${USAGE}`);
  const top = flags.top === undefined ? 20 : Number(flags.top);
  if (!Number.isInteger(top) || top < 0) throw new VigilError('CLI_USAGE', `--top is a whole number, not '${flags.top}'\n${USAGE}`);
  const rangeFlags = (['from', 'to', 'topic', 'config'] as const).filter((f) => flags[f] !== undefined).map((f) => `--${f}`);
  const kafka = rangeFlags.length > 0;
  if (kafka && lists.data.length > 0)
    throw new VigilError(
      'CLI_USAGE',
      `--data reads files and ${rangeFlags.join(', ')} a time range of a topic: give one or the other\n${USAGE}`,
    );
  if (!kafka && lists.data.length === 0) throw new VigilError('CLI_USAGE', `give --data FILE|DIR, or --from TIME --to TIME\n${USAGE}`);
  if (kafka && (flags.from === undefined || flags.to === undefined))
    throw new VigilError(
      'CLI_USAGE',
      `${flags.from === undefined ? '--from' : '--to'} is missing: a time range needs --from and --to\n${USAGE}`,
    );
  const range = kafka ? parseTimeRange(flags.from as string, flags.to as string, io.now(), USAGE) : undefined;
  const pipeline = flags.pipeline ?? DEFAULT_PIPELINE;
  const files = kafka ? [] : inputFiles(lists.data);
  const paths = positional.length > 0 ? positional : ['rules/sigma', 'rules/correlation'];
  let loaded: LoadedRuleSet;
  try {
    loaded = loadRuleSet(paths, { pipeline });
  } catch (err) {
    if (!(err instanceof PipelineError)) throw err;
    for (const p of err.problems) io.err(p.describe());
    return 2;
  }
  const correlations = loadCorrelations(paths, { rules: loaded.rules.map(asBaseRule) });
  const seen = new Set(loaded.errors.map((e) => e.describe()));
  const errors = [...loaded.errors, ...correlations.errors.filter((e) => !seen.has(e.describe()))];
  for (const e of errors) io.err(e.describe());
  const rules = fieldsOfRuleSet(loaded, correlations);

  const counter = new FieldCounter();
  const logsources = new LogsourceCounter(rules);
  const count = (event: Record<string, unknown>): void => {
    counter.add(event);
    logsources.add(event);
  };
  let source: string;
  let unreadable: number;
  let where: Record<string, unknown>;
  if (range) {
    const read = await countKafkaRange(range, flags.topic, flags.config ?? 'vigil.yaml', io, count);
    source = `${describeRead(read)} from ${read.partitions} partition${read.partitions === 1 ? '' : 's'}`;
    unreadable = read.unreadable;
    const at = (ms: number): string => new Date(ms).toISOString();
    where = { topic: read.topic, from: at(range.fromMs), to: at(range.toMs), partitions: read.partitions };
  } else {
    unreadable = await countFiles(files, pipeline, io, count);
    source = `${files.length} file${files.length === 1 ? '' : 's'}, ${counter.events} event${counter.events === 1 ? '' : 's'}`;
    where = { files: files.length };
  }
  const report = fieldsReport(rules, counter, logsources, top);
  if (format === 'json') io.out(JSON.stringify({ ...report, rules: rules.length, ...where, unreadable }, null, 2));
  else printText(report, io, rules.length, source, unreadable);
  return errors.length > 0 ? 1 : 0;
}

/** Counts the events of the files; returns how many records could not be read. */
async function countFiles(
  files: readonly string[],
  pipeline: string,
  io: ToolIo,
  count: (event: Record<string, unknown>) => void,
): Promise<number> {
  const now = io.now();
  let unreadable = 0;
  for (const file of files) {
    try {
      for await (const r of huntEvents(file, pipeline, now)) {
        if (r.kind === 'event') count(r.event);
        else if (++unreadable <= 20) io.err(`${show(file)}:${r.line}: ${r.reason}`);
      }
    } catch (err) {
      if (++unreadable <= 20) io.err(`${show(file)}: cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
  return unreadable;
}

/** Counts the events the topic received in the range (Kafka is only loaded for this). */
async function countKafkaRange(
  range: TimeRange,
  topic: string | undefined,
  configFile: string,
  io: ToolIo,
  count: (event: Record<string, unknown>) => void,
): Promise<EventRangeRead> {
  const [{ Bus }, { loadConfig }] = await Promise.all([import('../../core/bus/index.js'), import('../config/schema.js')]);
  const bus = new Bus(loadConfig(configFile).kafka, 'fields');
  try {
    return await readEventRange(bus, topic ?? bus.topics.events, {
      range,
      io,
      onEvents: (events) => {
        for (const e of events) count(e.event as unknown as Record<string, unknown>);
      },
    });
  } finally {
    await bus.close();
  }
}

function printText(report: FieldsReport, io: ToolIo, rules: number, source: string, unreadable: number): void {
  io.out(
    source +
      (unreadable > 0 ? ` (${unreadable} unreadable record${unreadable === 1 ? '' : 's'})` : '') +
      `, ${rules} rule${rules === 1 ? '' : 's'}`,
  );
  io.out('');
  io.out(report.missing.length === 0 ? 'every field the rules read is in the data' : 'fields rules read that the data never holds:');
  const byRule = new Map<string, FieldsReport['missing']>();
  for (const m of report.missing) byRule.set(m.rule.id, [...(byRule.get(m.rule.id) ?? []), m]);
  const never = new Map(report.neverFire.map((r) => [r.id, r]));
  for (const [id, ms] of byRule) {
    const rule = (ms[0] as FieldsReport['missing'][number]).rule;
    io.out(`  ${rule.title} (${id})${never.has(id) ? '  — never fires on this data' : ''}  ${show(rule.file)}`);
    for (const m of ms) io.out(`    ${m.field}${m.from === 'logsource' ? ' (logsource)' : ''} → ${m.paths.join(' | ')}`);
  }
  const byLogsource = report.neverFire.filter((r) => r.why === 'logsource' && !byRule.has(r.id));
  if (byLogsource.length > 0) {
    io.out('');
    io.out('rules whose logsource no event meets (the fields are there, not the values):');
    for (const r of byLogsource) io.out(`  ${r.title} (${r.id})  [${r.logsource}]  ${show(r.file)}`);
  }
  io.out('');
  io.out(report.unread.length === 0 ? 'no field of the data goes unread' : `most frequent fields no rule reads (events holding them):`);
  const width = Math.max(0, ...report.unread.map((u) => u.path.length));
  for (const u of report.unread) io.out(`  ${u.path.padEnd(width)}  ${u.events}`);
  if (report.droppedPaths > 0)
    io.out(`(${report.droppedPaths} occurrences of paths beyond the first 100000 distinct paths were not counted)`);
  io.out('');
  io.out(`${report.neverFire.length} rule${report.neverFire.length === 1 ? '' : 's'} can never fire on this data`);
}
