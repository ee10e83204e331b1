/**
 * `vigil incidents backfill [--config vigil.yaml] [--dry-run] [--output text|json]`
 *
 * Gives incident documents written before the incident builder recorded them their
 * acknowledgement and resolution times, from the audit trail and their own last status change
 * (detections/incidents/backfill.ts), so that the time to acknowledge and to resolve count them.
 * Run it again at will: it writes only what is missing.
 */
import { VigilError } from '../../core/errors/index.js';
import { backfillIncidentTimes, type BackfillReport } from '../../detections/incidents/index.js';
import { esClient } from '../../sinks/elasticsearch/index.js';
import { parseArgs } from '../args.js';
import { loadConfig } from '../config/schema.js';
import { terminalIo, type ToolIo } from '../io.js';

export const USAGE = 'usage: vigil incidents backfill [--config FILE] [--dry-run] [--output text|json]';

export function reportLines(r: BackfillReport, index: string, dryRun: boolean): string[] {
  const would = dryRun ? 'would be ' : '';
  return [
    `${index}: ${r.scanned} incident documents missing a time read`,
    `  ${r.acknowledged} ${would}given acknowledged_at and minutes_to_acknowledge`,
    `  ${r.resolved} ${would}given resolved_at and minutes_to_resolve`,
    `  ${r.noAcknowledgement} triaged with no acknowledgement on record (left without one)`,
    ...(r.conflicts > 0 ? [`  ${r.conflicts} changed while being updated (run it again to take them)`] : []),
  ];
}

/** `vigil incidents backfill` (see USAGE). */
export async function run(argv: string[], io: ToolIo = terminalIo): Promise<number> {
  const { flags, switches, positional } = parseArgs(argv, { flags: ['config', 'output'] as const, switches: ['dry-run'] as const });
  const [verb, ...rest] = positional;
  if (verb !== 'backfill') throw new VigilError('CLI_USAGE', `${verb ? `unknown action "${verb}"` : 'no action'}\n${USAGE}`);
  if (rest.length > 0) throw new VigilError('CLI_USAGE', `unexpected argument "${rest[0]}"\n${USAGE}`);
  const output = flags.output ?? 'text';
  if (output !== 'text' && output !== 'json') throw new VigilError('CLI_USAGE', `--output takes text or json\n${USAGE}`);
  const config = loadConfig(flags.config ?? 'vigil.yaml');
  const prefix = config.elasticsearch.indexPrefix;
  const es = esClient(config.elasticsearch);
  const dryRun = switches['dry-run'] ?? false;
  try {
    const index = `${prefix}-incidents`;
    const report = await backfillIncidentTimes({ es, incidents: index, actions: `${prefix}-actions`, dryRun });
    if (output === 'json') io.out(JSON.stringify({ index, dryRun, ...report }));
    else for (const line of reportLines(report, index, dryRun)) io.out(line);
    return 0;
  } finally {
    await es.close();
  }
}
