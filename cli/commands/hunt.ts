/**
 * `vigil hunt --rules <path> [--rules <path>…] [--pipeline ecs|raw|…] [--output table|jsonl] <file|dir>…`
 *
 * Runs Sigma rules (and correlations) over log files with no services: JSON (JSON lines, arrays,
 * documents one after another as evtx_dump prints them: ECS events, Winlogbeat events,
 * evtx_dump's `{Event:{System,EventData}}`, any JSON log) and text lines (syslog, CEF, LEEF:
 * through ingest's parsers, as `vigil parse --type auto`), gzipped or not, streamed (cli/hunt/readers.ts).
 * With the `ecs` pipeline (default) evtx_dump events are normalized to ECS first; with `raw`
 * every JSON event is matched as written. Alerts are the engine's (`buildAlert`), with the file
 * and line they came from; a summary per rule and per level ends the run (stderr with jsonl).
 *
 * Correlation rules in the paths run too, in event time: the events their base rules match are
 * sorted by `@timestamp` (files may interleave hosts) and run through the offline engine after
 * the last file; a correlation alert names the file and line of the event that completed it.
 * Windows still open at the end of the input are not decided (as in a live stream).
 *
 * Rule models parsed without a problem are kept in the user's cache folder between runs
 * (detections/sigma/parse-cache.ts: keyed by each file's path and text and by the parser's
 * code); `--no-cache` parses every file again and keeps nothing.
 */
import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { errorMessage, VigilError } from '../../core/errors/index.js';
import type { EcsEvent } from '../../core/event/index.js';
import { LEVEL_SCORE } from '../../detections/model/index.js';
import type { RuleMatcher } from '../../detections/engine/detect.js';
import { loadRetroRules, RetroHunt, type RetroRules } from '../../detections/engine/retro.js';
import { DEFAULT_PIPELINE, PipelineError } from '../../detections/pipelines/index.js';
import { defaultCacheDir, ParseCache } from '../../detections/sigma/parse-cache.js';
import { huntEventBatches, inputFiles } from '../hunt/events.js';
import { progressBar, terminalIo, type ToolIo } from '../io.js';

export const USAGE =
  'usage: vigil hunt --rules <path> [--rules <path>…] [--pipeline NAME] [--output table|jsonl] [--no-prefilter] [--no-cache] <file|dir>…';

interface Options {
  rules: string[];
  pipeline: string;
  output: 'table' | 'jsonl';
  prefilter: boolean;
  cache: boolean;
  inputs: string[];
}

function parseHuntArgs(argv: string[]): Options | 'help' {
  const o: Options = { rules: [], pipeline: DEFAULT_PIPELINE, output: 'table', prefilter: true, cache: true, inputs: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const [name, inline] = a.startsWith('--') ? (a.slice(2).split('=', 2) as [string, string | undefined]) : [undefined, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new VigilError('CLI_USAGE', `--${name} needs a value\n${USAGE}`);
      return v;
    };
    if (name === undefined) o.inputs.push(a);
    else if (name === 'help') return 'help';
    else if (name === 'rules') o.rules.push(...value().split(',').filter(Boolean));
    else if (name === 'pipeline') o.pipeline = value();
    else if (name === 'output') {
      const v = value();
      if (v !== 'table' && v !== 'jsonl') throw new VigilError('CLI_USAGE', `--output is table or jsonl\n${USAGE}`);
      o.output = v;
    } else if (name === 'no-prefilter') o.prefilter = false;
    else if (name === 'no-cache') o.cache = false;
    else throw new VigilError('CLI_USAGE', `unknown option --${name}\n${USAGE}`);
  }
  if (o.rules.length === 0) throw new VigilError('CLI_USAGE', `--rules is required\n${USAGE}`);
  if (o.inputs.length === 0) throw new VigilError('CLI_USAGE', `no file to hunt in\n${USAGE}`);
  return o;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Where an event says it happened, for an alert of an event with no `@timestamp`. */
function timeOf(e: Record<string, unknown>): string | undefined {
  const ev = isObject(e.Event) ? e.Event : undefined;
  const created = ev && isObject(ev.System) && isObject(ev.System.TimeCreated) ? ev.System.TimeCreated : undefined;
  const attrs = created && isObject(created['#attributes']) ? created['#attributes'] : created;
  for (const v of [e['@timestamp'], attrs?.SystemTime, e.timestamp, e.time, e.eventTime, e.published, e.CreationTime])
    if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return new Date(v).toISOString();
  return undefined;
}

/** Where an event came from: its file and line (`where` only when a correlation keeps the event). */
class Source {
  constructor(
    readonly file: string,
    readonly line: number,
  ) {}

  get where(): string {
    return `${this.file}:${this.line}`;
  }
}

interface Tally {
  events: number;
  alerts: number;
  unreadable: number;
  byRule: Map<string, { title: string; level: string; count: number }>;
}

export async function run(argv: string[], io: ToolIo = terminalIo): Promise<number> {
  const opts = parseHuntArgs(argv);
  if (opts === 'help') {
    io.out(USAGE);
    return 0;
  }
  const files = inputFiles(opts.inputs);
  let rules: RetroRules;
  try {
    const parseCache = opts.cache ? ParseCache.open(defaultCacheDir(), opts.rules) : undefined;
    rules = loadRetroRules(opts.rules, {
      pipeline: opts.pipeline,
      prefilter: opts.prefilter,
      parseCache,
      lazyCompile: true,
    });
    parseCache?.save();
  } catch (err) {
    if (!(err instanceof PipelineError)) throw err;
    for (const p of err.problems) io.err(p.describe());
    return 2;
  }
  for (const e of rules.errors) io.err(e.describe());
  if (rules.errors.length > 0)
    io.err(`${rules.errors.length} rule problem${rules.errors.length === 1 ? '' : 's'}: those rules are left out`);
  if (rules.ruleset.matchers.length === 0 && rules.correlations.correlations.length === 0) {
    io.err('no rule loaded');
    return 1;
  }

  const started = Date.now();
  const now = io.now();
  const tally: Tally = { events: 0, alerts: 0, unreadable: 0, byRule: new Map() };
  const retro = new RetroHunt<Source>(rules, now);
  const totalBytes = files.reduce((s, f) => s + statSync(f).size, 0);
  let doneBytes = 0;
  let lastDraw = 0;
  const rows: string[][] = [];

  const shown = new Map<string, string>();
  const where = (file: string): string => {
    let name = shown.get(file);
    if (name === undefined) {
      name = relative(process.cwd(), file).startsWith('..') ? file : relative(process.cwd(), file);
      shown.set(file, name);
    }
    return name;
  };
  /** jsonl alerts not written yet: one write per batch of events, not one per alert. */
  let pending: string[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    io.out(pending.join('\n'));
    pending = [];
  };
  const report = (alert: EcsEvent, id: string, title: string, level: string, file: string, line: number): void => {
    (alert as Record<string, unknown>).log = { file: { path: where(file) } };
    (alert.vigil as unknown as Record<string, unknown>).source = { file: where(file), line };
    tally.alerts++;
    const t = tally.byRule.get(id) ?? { title, level, count: 0 };
    t.count++;
    tally.byRule.set(id, t);
    if (opts.output === 'jsonl') pending.push(JSON.stringify(alert));
    else rows.push([alert['@timestamp'], level, title, `${where(file)}:${line}`]);
  };

  /** The event being matched: the callbacks below are made once, not per event. */
  let at = new Source('', 0);
  const onAlert = (alert: EcsEvent, rule: RuleMatcher): void => {
    alert['@timestamp'] ??= now.toISOString();
    report(alert, rule.fired.id, rule.fired.title, rule.fired.level, at.file, at.line);
  };
  const onError = (rule: RuleMatcher, err: unknown): void => {
    flush();
    io.err(`rule ${rule.fired.id} threw on ${at.where} and is disabled: ${err instanceof Error ? err.message : String(err)}`);
  };
  const hunt = (event: Record<string, unknown>, file: string, line: number): void => {
    tally.events++;
    const time = (event['@timestamp'] as string | undefined) ?? timeOf(event);
    const timed = (time === event['@timestamp'] ? event : { ...event, '@timestamp': time }) as EcsEvent;
    // A record ingest could not read (parse_status partial) carries the time it was read, not
    // its own: it would move the watermark to today and close every window of the hunt.
    const ownTime = (event.vigil as { parse_status?: string } | undefined)?.parse_status !== 'partial';
    at = new Source(file, line);
    retro.match(timed, at, onAlert, onError, ownTime);
  };
  const unreadable = (file: string, line: number, reason: string): void => {
    tally.unreadable++;
    if (tally.unreadable > 20) return;
    // Alerts of the records before this one come first, as they were found.
    flush();
    io.err(`${file}:${line}: ${reason}`);
  };

  for (const file of files) {
    const size = statSync(file).size;
    let read = 0;
    const onBytes = (b: number): void => {
      read += b;
    };
    try {
      for await (const batch of huntEventBatches(file, opts.pipeline, now, { onBytes })) {
        for (const r of batch) {
          if (r.kind === 'bad') unreadable(file, r.line, r.reason);
          else hunt(r.event, file, r.line);
        }
        flush();
        const full = io.room?.();
        if (full) await full;
        if (io.progress && Date.now() - lastDraw > 100) {
          lastDraw = Date.now();
          io.progress(progressBar(doneBytes + Math.min(read, size), totalBytes, huntDetail(tally.alerts, file)));
        }
      }
    } catch (err) {
      flush();
      unreadable(file, 0, `cannot read: ${(err as NodeJS.ErrnoException).code ?? errorMessage(err)}`);
    }
    doneBytes += size;
    if (io.progress) io.progress(progressBar(doneBytes, totalBytes, huntDetail(tally.alerts, file)));
  }
  if (io.progress) io.progress('\r\x1b[K');

  if (retro.correlating) {
    const result = retro.correlate();
    for (const fired of result.alerts) {
      if (!fired.emit) continue;
      const from = result.originOf(fired.alert) ?? { file: '(correlation)', line: 0 };
      const rule = fired.alert.rule as { name?: string } | undefined;
      const level = (fired.alert.vigil as unknown as { alert?: { level?: string } }).alert?.level ?? 'high';
      report(fired.alert, fired.correlationId, rule?.name ?? fired.correlationId, level, from.file, from.line);
    }
    for (const l of result.late.slice(0, 20)) unreadable('(correlation)', 0, l.reason);
  }
  flush();

  if (opts.output === 'table' && rows.length > 0) {
    const head = ['time', 'level', 'rule', 'source'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const fmt = (r: readonly string[]): string =>
      r
        .map((c, i) => c.padEnd(widths[i] as number))
        .join('  ')
        .trimEnd();
    io.out(fmt(head));
    for (const r of rows) io.out(fmt(r));
  }
  const summary = opts.output === 'jsonl' ? io.err : io.out;
  summarize(tally, files.length, Date.now() - started, summary);
  return 0;
}

const huntDetail = (alerts: number, file: string): string => `${alerts} alert${alerts === 1 ? '' : 's'}  ${file.slice(-40)}`;

function summarize(t: Tally, files: number, ms: number, print: (line: string) => void): void {
  print('');
  const rules = [...t.byRule].sort((a, b) => (LEVEL_SCORE[b[1].level] ?? 0) - (LEVEL_SCORE[a[1].level] ?? 0) || b[1].count - a[1].count);
  if (rules.length > 0) {
    print('alerts by rule:');
    for (const [id, r] of rules) print(`  ${String(r.count).padStart(6)}  ${r.level.padEnd(13)} ${r.title}  (${id})`);
    const levels = new Map<string, number>();
    for (const [, r] of rules) levels.set(r.level, (levels.get(r.level) ?? 0) + r.count);
    print(
      `alerts by level: ${['critical', 'high', 'medium', 'low', 'informational']
        .filter((l) => levels.has(l))
        .map((l) => `${l} ${levels.get(l)}`)
        .join(', ')}`,
    );
  }
  print(
    `${files} file${files === 1 ? '' : 's'}, ${t.events} event${t.events === 1 ? '' : 's'}, ${t.alerts} alert${t.alerts === 1 ? '' : 's'} from ${rules.length} rule${rules.length === 1 ? '' : 's'}` +
      (t.unreadable > 0 ? `, ${t.unreadable} unreadable record${t.unreadable === 1 ? '' : 's'}` : '') +
      ` in ${(ms / 1000).toFixed(1)} s`,
  );
}
