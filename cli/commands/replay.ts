/**
 * `vigil replay --config vigil.yaml --from <time> --to <time> --rules <path>… [--name NAME] [--pipeline NAME] [--threads N] [--no-cache]`
 * (`--from-archive` instead re-sends archived history to a sink: replay-archive.ts)
 *
 * Retro-hunt over the history Kafka keeps: the records of `vigil.events` that Kafka received
 * in [from, to) (offsets found by timestamp, per partition) run through the given rules and
 * correlations, and what fires goes to topics and indices of its own, never to the live
 * ones: `<prefix>vigil.replay.<name>.alerts|incidents` and, when an Elasticsearch sink is
 * configured, `<indexPrefix>-replay-<name>-alerts|incidents`. Documents are written by id
 * (alert ids are deterministic), so running the same replay twice changes nothing.
 *
 * Correlations are decided after the last record, in event time (`@timestamp`); windows
 * still open at the end of the range are not decided, as in `vigil hunt`. Incidents group
 * every alert of the replay (sorted by time) with the live pipeline's incident options.
 *
 * `--threads N` (default: the machine's available parallelism, for a range of 100,000 records
 * or more) matches on N worker threads (cli/replay/threads.ts) while this thread reads Kafka
 * and writes alerts; the output is the same as with `--threads 1`, which matches here. Parsed rules are cached as `vigil hunt`
 * caches them (`--no-cache`: not).
 */
import { availableParallelism } from 'node:os';
import type { Client } from '@elastic/elasticsearch';
import { Bus } from '../../core/bus/index.js';
import { loadConfig, type VigilConfig } from '../config/schema.js';
import { errorMessage, VigilError } from '../../core/errors/index.js';
import type { EcsEvent } from '../../core/event/index.js';
import { logger } from '../../core/telemetry/index.js';
import { loadRetroRules, RetroHunt, type RetroRules } from '../../detections/engine/retro.js';
import { IncidentBuilder, incidentOptionsFromConfig } from '../../detections/incidents/index.js';
import { DEFAULT_PIPELINE, PipelineError } from '../../detections/pipelines/index.js';
import { defaultCacheDir, ParseCache } from '../../detections/sigma/parse-cache.js';
import { esClient, indexDocuments, installTemplates, probeCapabilities, resolveSinkConfig } from '../../sinks/elasticsearch/index.js';
import { parseArgs } from '../args.js';
import { terminalIo, type ToolIo } from '../io.js';
import { describeRead, parseTimeRange, readEventRange, TIME_USAGE, type EventRangeRead } from '../kafka-range.js';
import { matchOnThreads, type ReplayAlert } from '../replay/threads.js';

export const USAGE =
  'usage: vigil replay --config FILE --from TIME --to TIME --rules PATH [--rules PATH…] [--name NAME] [--pipeline NAME] [--threads N] [--no-cache]\n' +
  '       vigil replay --from-archive PATH|s3://BUCKET/PREFIX --to-sink NAME --from TIME --to TIME [--config FILE]\n' +
  TIME_USAGE;

/** Without `--threads`, a range of fewer records is matched on the main thread (a worker takes about a CPU second to start). */
const AUTO_THREADS_MIN_RECORDS = 100_000;

/** The name a replay's topics and indices carry. */
function replayName(given: string | undefined, now: Date): string {
  const name = given ?? now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(name))
    throw new VigilError('CLI_USAGE', `--name '${name}' must be lower-case letters, digits, '-' or '_' (it names topics and indices)`);
  return name;
}

/** Where a replay writes: topics always, indices when an Elasticsearch sink is configured. */
interface Outputs {
  topics: { alerts: string; incidents: string };
  indices?: { alerts: string; incidents: string };
  es?: Client;
}

async function openOutputs(config: VigilConfig, bus: Bus, name: string): Promise<Outputs> {
  const base = `${config.kafka.topicPrefix}vigil.replay.${name}`;
  const topics = { alerts: `${base}.alerts`, incidents: `${base}.incidents` };
  const spec = { partitions: config.kafka.partitions, replicationFactor: config.kafka.replicationFactor, configs: {} };
  await bus.ensureTopics([
    { name: topics.alerts, ...spec },
    { name: topics.incidents, ...spec },
  ]);
  const sink = config.sinks.find((s) => s.type === 'elasticsearch');
  if (!sink) return { topics };
  const cfg = resolveSinkConfig(sink, config.elasticsearch);
  const es = esClient(config.elasticsearch);
  const log = logger('replay');
  await installTemplates(es, cfg, await probeCapabilities(es, log), log);
  const prefix = `${cfg.indexPrefix}-replay-${name}`;
  return { topics, es, indices: { alerts: `${prefix}-alerts`, incidents: `${prefix}-incidents` } };
}

/** An alert made on this thread, with what the summary and the outputs need. */
function replayAlert(alert: EcsEvent): ReplayAlert {
  const rule = alert.rule as { id: string; name: string };
  const level = (alert.vigil as unknown as { alert?: { level?: string } }).alert?.level ?? 'medium';
  return {
    id: alert.vigil?.id as string,
    rule: rule.id,
    title: rule.name,
    level,
    time: alert['@timestamp'],
    json: Buffer.from(JSON.stringify(alert)),
    doc: alert,
  };
}

export async function run(argv: string[], io: ToolIo = terminalIo): Promise<number> {
  // History from the archive into a sink is its own mode (cli/commands/replay-archive.ts).
  if (argv.some((a) => a === '--from-archive' || a.startsWith('--from-archive=')))
    return (await import('./replay-archive.js')).runArchiveReplay(argv, io);
  const { flags, switches, lists } = parseArgs(argv, {
    flags: ['config', 'from', 'to', 'name', 'pipeline', 'threads'] as const,
    switches: ['help', 'no-cache'] as const,
    lists: ['rules'] as const,
  });
  if (switches.help) {
    io.out(USAGE);
    return 0;
  }
  const now = io.now();
  if (!flags.from || !flags.to) throw new VigilError('CLI_USAGE', `--from and --to are required\n${USAGE}`);
  if (lists.rules.length === 0) throw new VigilError('CLI_USAGE', `--rules is required\n${USAGE}`);
  const range = parseTimeRange(flags.from, flags.to, now, USAGE);
  const name = replayName(flags.name, now);
  const threads = flags.threads === undefined ? availableParallelism() : Number(flags.threads);
  if (!Number.isInteger(threads) || threads < 1 || threads > 256)
    throw new VigilError('CLI_USAGE', `--threads '${flags.threads}' must be a whole number from 1 to 256\n${USAGE}`);
  const config = loadConfig(flags.config ?? 'vigil.yaml');

  const pipeline = flags.pipeline ?? DEFAULT_PIPELINE;
  const cacheDir = defaultCacheDir();
  let rules: RetroRules;
  try {
    const parseCache = switches['no-cache'] ? undefined : ParseCache.open(cacheDir, lists.rules);
    rules = loadRetroRules(lists.rules, { pipeline, parseCache, lazyCompile: true });
    parseCache?.save();
  } catch (err) {
    if (!(err instanceof PipelineError)) throw err;
    for (const p of err.problems) io.err(p.describe());
    return 2;
  }
  for (const e of rules.errors) io.err(e.describe());
  if (rules.ruleset.matchers.length === 0 && rules.correlations.correlations.length === 0) {
    io.err('no rule loaded');
    return 1;
  }

  const bus = new Bus(config.kafka, 'replay');
  try {
    const out = await openOutputs(config, bus, name);
    const producer = await bus.producer();
    const retro = new RetroHunt(rules, now);
    // Every alert until the incidents are built: the alert itself when it was made here, its text otherwise.
    const all: Array<{ time: string; doc: EcsEvent | undefined; json: Buffer | undefined }> = [];
    const byRule = new Map<string, { title: string; level: string; count: number }>();
    const publish = async (alerts: ReplayAlert[]): Promise<void> => {
      if (alerts.length === 0) return;
      // Elasticsearch takes documents: parsed once, and kept for the incidents.
      if (out.es) for (const a of alerts) a.doc ??= JSON.parse(a.json.toString('utf8')) as EcsEvent;
      for (const a of alerts) {
        all.push({ time: a.time, doc: a.doc, json: a.doc ? undefined : a.json });
        const t = byRule.get(a.rule) ?? { title: a.title, level: a.level, count: 0 };
        t.count++;
        byRule.set(a.rule, t);
      }
      await Promise.all([
        producer.send(
          out.topics.alerts,
          alerts.map((a) => ({ key: a.id, value: a.json })),
        ),
        out.es && out.indices
          ? indexDocuments(
              out.es,
              out.indices.alerts,
              alerts.map((a) => ({ id: a.id, doc: a.doc as EcsEvent })),
            )
          : undefined,
      ]);
    };
    const detail = (): string => `${all.length} alert${all.length === 1 ? '' : 's'}`;

    const read: EventRangeRead =
      threads > 1
        ? await matchOnThreads(bus, bus.topics.events, {
            range,
            io,
            threads,
            // Unless told how many: not worth starting workers for a small range.
            minRecords: flags.threads === undefined ? AUTO_THREADS_MIN_RECORDS : 0,
            worker: { rules: lists.rules, pipeline, now: now.getTime(), cacheDir: switches['no-cache'] ? undefined : cacheDir },
            retro,
            detail,
            publish,
          })
        : await readEventRange(bus, bus.topics.events, {
            range,
            io,
            detail,
            onEvents: async (events) => {
              const alerts: EcsEvent[] = [];
              for (const { event, partition, offset } of events)
                retro.match(
                  event,
                  { where: `${partition}@${offset}` },
                  (alert) => alerts.push(alert),
                  (rule, err) => io.err(`rule ${rule.fired.id} threw on ${partition}@${offset} and is disabled: ${errorMessage(err)}`),
                  event.vigil?.parse_status !== 'partial',
                );
              await publish(alerts.map(replayAlert));
            },
          });

    if (retro.correlating) {
      const result = retro.correlate();
      await publish(result.alerts.filter((f) => f.emit).map((f) => replayAlert(f.alert)));
      if (result.late.length > 0) io.err(`${result.late.length} events were too late for their correlation window`);
    }

    const builder = new IncidentBuilder(incidentOptionsFromConfig(config.detections.incidents));
    const sorted = [...all].sort((a, b) => a.time.localeCompare(b.time));
    // Alerts made on worker threads are parsed one at a time here: only their texts were kept.
    const incidents = builder.addBatch(
      (function* () {
        for (const a of sorted) yield a.doc ?? (JSON.parse((a.json as Buffer).toString('utf8')) as EcsEvent);
      })(),
    ).documents;
    await Promise.all([
      incidents.length > 0
        ? producer.send(
            out.topics.incidents,
            incidents.map((d) => ({ key: d.incident.id, value: JSON.stringify(d) })),
          )
        : undefined,
      out.es && out.indices
        ? indexDocuments(
            out.es,
            out.indices.incidents,
            incidents.map((doc) => ({ id: doc.incident.id, doc })),
          )
        : undefined,
    ]);
    if (out.es && out.indices)
      await out.es.indices.refresh({ index: `${out.indices.alerts},${out.indices.incidents}`, ignore_unavailable: true });
    await out.es?.close();

    io.out(`replayed ${describeRead(read)} (${read.partitions} partitions)`);
    const rows = [...byRule].sort((a, b) => b[1].count - a[1].count);
    for (const [id, r] of rows) io.out(`  ${String(r.count).padStart(6)}  ${r.level.padEnd(13)} ${r.title}  (${id})`);
    io.out(
      `${all.length} alert${all.length === 1 ? '' : 's'} from ${rows.length} rule${rows.length === 1 ? '' : 's'}, ${incidents.length} incident${incidents.length === 1 ? '' : 's'}` +
        (read.unreadable > 0 ? `, ${read.unreadable} unreadable record${read.unreadable === 1 ? '' : 's'}` : ''),
    );
    io.out(`topics: ${out.topics.alerts}, ${out.topics.incidents}`);
    io.out(out.indices ? `indices: ${out.indices.alerts}, ${out.indices.incidents}` : 'indices: none (no elasticsearch sink configured)');
    return 0;
  } finally {
    await bus.close();
  }
}
