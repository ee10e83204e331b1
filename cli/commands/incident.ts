import { userInfo } from 'node:os';
import { Bus } from '../../core/bus/index.js';
import { loadConfig, type VigilConfig } from '../config/schema.js';
import { VigilError } from '../../core/errors/index.js';
import {
  ensureIncidentStatusTopic,
  publishStatusChanges,
  statusChange,
  STATUS_VERBS,
  type IncidentStatus,
  type StatusChange,
} from '../../detections/incidents/index.js';
import { parseArgs } from '../args.js';

const USAGE = 'usage: vigil incident ack|close|reopen <incident-id> [--config vigil.yaml] [--reason TEXT] [--by NAME]';

/** Where output goes; tests pass their own. */
export interface IncidentIo {
  out: (line: string) => void;
  /** The default `--by`. */
  user: () => string;
  now: () => Date;
}

const defaultIo: IncidentIo = {
  out: (line) => console.log(line),
  user: () => {
    try {
      return userInfo().username;
    } catch {
      return process.env.USER ?? 'unknown';
    }
  },
  now: () => new Date(),
};

/**
 * Writes one status change to `vigil.incident-status` (created when missing) and resolves once
 * Kafka acknowledged it. The incident builder that holds the incident applies it.
 */
export async function setIncidentStatus(
  config: VigilConfig,
  change: { incidentId: string; status: IncidentStatus; by: string; reason?: string; at: Date },
): Promise<{ topic: string; change: StatusChange }> {
  const record = statusChange({ ...change, source: 'cli' });
  const topic = await ensureIncidentStatusTopic(config.kafka);
  const bus = new Bus(config.kafka, 'incident-cli');
  try {
    await publishStatusChanges(await bus.producer(), topic, [record]);
  } finally {
    await bus.close();
  }
  return { topic, change: record };
}

/** `vigil incident ack|close|reopen <id> [--config vigil.yaml] [--reason TEXT] [--by NAME]`. */
export async function run(argv: string[], io: IncidentIo = defaultIo): Promise<number> {
  const { flags, positional } = parseArgs(argv, { flags: ['config', 'reason', 'by'] as const });
  const [verb, id, ...extra] = positional;
  const status = verb ? STATUS_VERBS[verb] : undefined;
  if (!verb || !status) throw new VigilError('CLI_USAGE', `${verb ? `unknown action "${verb}"` : 'no action'}\n${USAGE}`);
  if (!id || !id.trim()) throw new VigilError('CLI_USAGE', `no incident id\n${USAGE}`);
  if (extra.length > 0) throw new VigilError('CLI_USAGE', `unexpected argument "${extra[0]}"\n${USAGE}`);
  const config = loadConfig(flags.config ?? 'vigil.yaml');
  const by = flags.by ?? `cli:${io.user()}`;
  const { topic, change } = await setIncidentStatus(config, {
    incidentId: id.trim(),
    status,
    by,
    at: io.now(),
    ...(flags.reason ? { reason: flags.reason } : {}),
  });
  io.out(`incident ${change.incident_id}: ${status} by ${by}${change.reason ? ` (${change.reason})` : ''} → ${topic}`);
  return 0;
}
