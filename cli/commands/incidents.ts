/**
 * `vigil incidents backfill [--config vigil.yaml] [--dry-run] [--no-status-topic] [--output text|json]`
 *
 * Gives incident documents written before the incident builder recorded them their
 * acknowledgement and resolution times, from their own last status change, the audit trail and
 * `vigil.incident-status` (detections/incidents/backfill.ts says which wins), so that the time to
 * acknowledge and to resolve count them. Run it again at will: it writes only what is missing.
 */
import { Bus } from '../../core/bus/index.js';
import { errorMessage, VigilError } from '../../core/errors/index.js';
import {
  backfillIncidentTimes,
  incidentStatusTopic,
  statusTopicAcknowledgements,
  type BackfillReport,
  type StatusTopicRead,
} from '../../detections/incidents/index.js';
import { esClient } from '../../sinks/elasticsearch/index.js';
import { parseArgs } from '../args.js';
import { loadConfig, type VigilConfig } from '../config/schema.js';
import { terminalIo, type ToolIo } from '../io.js';

export const USAGE = [
  'usage: vigil incidents backfill [--config FILE] [--dry-run] [--no-status-topic] [--output text|json]',
  '  Fills incident.acknowledged_at / minutes_to_acknowledge and resolved_at / minutes_to_resolve on',
  '  incident documents that lack them:',
  '  1. a time the document has is kept, whatever the sources below say;',
  "  2. otherwise its first acknowledgement is the earliest, at or before the document's last status",
  '     change, of: that change (when it is an acknowledgement); the audit trail (<indexPrefix>-actions:',
  '     API and playbook records); <topicPrefix>vigil.incident-status (every path, `vigil incident ack`',
  '     and Kibana included, as long as compaction keeps them: once Kafka has cleaned a segment, only',
  "     each incident's last status change is left);",
  '  3. a closed incident (not merged) was resolved at its last status change.',
  '  --dry-run          count what would be written, write nothing',
  '  --no-status-topic  leave Kafka out (Elasticsearch only)',
].join('\n');

/** Unreadable records of the status topic named on stderr; the rest are only counted. */
const SHOWN_UNREADABLE = 20;

/** The status topic summary of the JSON output: null when it was left out. */
function topicSummary(t: StatusTopicRead | null) {
  return t && { topic: t.topic, exists: t.exists, records: t.records, acknowledged: t.acknowledgements.size, unreadable: t.unreadable };
}

function topicLine(t: StatusTopicRead | null): string {
  if (!t) return 'status topic left out (--no-status-topic)';
  if (!t.exists) return `${t.topic}: does not exist (no incident change was ever sent)`;
  const skipped = t.unreadable > 0 ? `, ${t.unreadable} unreadable skipped` : '';
  return `${t.topic}: ${t.records} records read, ${t.acknowledgements.size} incidents acknowledged on it${skipped}`;
}

export function reportLines(r: BackfillReport, index: string, dryRun: boolean, topic: StatusTopicRead | null = null): string[] {
  const would = dryRun ? 'would be ' : '';
  return [
    topicLine(topic),
    `${index}: ${r.scanned} incident documents missing a time read`,
    `  ${r.acknowledged} ${would}given acknowledged_at and minutes_to_acknowledge`,
    `  ${r.resolved} ${would}given resolved_at and minutes_to_resolve`,
    `  ${r.noAcknowledgement} triaged with no acknowledgement on record (left without one)`,
    ...(r.conflicts > 0 ? [`  ${r.conflicts} changed while being updated (run it again to take them)`] : []),
  ];
}

/** `vigil incidents backfill` (see USAGE). */
export async function run(argv: string[], io: ToolIo = terminalIo): Promise<number> {
  const { flags, switches, positional } = parseArgs(argv, {
    flags: ['config', 'output'] as const,
    switches: ['dry-run', 'no-status-topic', 'help'] as const,
  });
  if (switches.help) {
    io.out(USAGE);
    return 0;
  }
  const [verb, ...rest] = positional;
  if (verb !== 'backfill') throw new VigilError('CLI_USAGE', `${verb ? `unknown action "${verb}"` : 'no action'}\n${USAGE}`);
  if (rest.length > 0) throw new VigilError('CLI_USAGE', `unexpected argument "${rest[0]}"\n${USAGE}`);
  const output = flags.output ?? 'text';
  if (output !== 'text' && output !== 'json') throw new VigilError('CLI_USAGE', `--output takes text or json\n${USAGE}`);
  const config = loadConfig(flags.config ?? 'vigil.yaml');
  const prefix = config.elasticsearch.indexPrefix;
  const dryRun = switches['dry-run'] ?? false;
  const topic = switches['no-status-topic'] ? null : await readStatusTopic(config, io);
  const es = esClient(config.elasticsearch);
  try {
    const index = `${prefix}-incidents`;
    const report = await backfillIncidentTimes({
      es,
      incidents: index,
      actions: `${prefix}-actions`,
      dryRun,
      ...(topic ? { statusTopic: topic.acknowledgements } : {}),
    });
    if (output === 'json') io.out(JSON.stringify({ index, dryRun, ...report, statusTopic: topicSummary(topic) }));
    else for (const line of reportLines(report, index, dryRun, topic)) io.out(line);
    return 0;
  } finally {
    await es.close();
  }
}

/** Reads `vigil.incident-status` once, before any document is read: what it holds then is what counts. */
async function readStatusTopic(config: VigilConfig, io: ToolIo): Promise<StatusTopicRead> {
  const topic = incidentStatusTopic(config.kafka.topicPrefix);
  const bus = new Bus(config.kafka, 'incidents-backfill');
  let shown = 0;
  try {
    return await statusTopicAcknowledgements(bus, topic, (where, why) => {
      if (++shown <= SHOWN_UNREADABLE) io.err(`${where}: unreadable incident change, skipped: ${why}`);
    });
  } catch (err) {
    const why = `reading ${topic} from ${config.kafka.brokers.join(',')}: ${errorMessage(err)} (--no-status-topic leaves it out)`;
    throw new VigilError('INCIDENT_BACKFILL', why, { cause: err });
  } finally {
    await bus.close();
  }
}
