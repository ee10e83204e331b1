import { userInfo } from 'node:os';
import { Bus, topicSpecs, topicsFor } from '../../core/bus/index.js';
import { loadConfig, type VigilConfig } from '../config/schema.js';
import { VigilError } from '../../core/errors/index.js';
import {
  changeAuditDocument,
  changeAuditRecord,
  ensureIncidentStatusTopic,
  incidentChange,
  incidentChangeAudit,
  levelRank,
  LEVELS,
  publishIncidentChanges,
  STATUS_VERBS,
  type ChangeRequest,
  type IncidentChange,
  type Level,
} from '../../detections/incidents/index.js';
import { parseArgs } from '../args.js';

const USAGE = [
  'usage: vigil incident ack|close|reopen <incident-id> [--reason TEXT]',
  '       vigil incident assign <incident-id> (<assignee> | --none)',
  '       vigil incident note <incident-id> <text>',
  '       vigil incident severity <incident-id> (<level> | --clear) [--reason TEXT]',
  '       vigil incident merge <incident-id> --into <incident-id> [--reason TEXT]',
  '   each with [--config vigil.yaml] [--by NAME]',
].join('\n');

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
 * Writes one change to `vigil.incident-status` (created when missing) and, once Kafka
 * acknowledged it, its audit record (who, from the CLI) to `vigil.actions`, as the API does. The
 * incident builder that holds the incident applies the change, or refuses it with the reason (a
 * dead letter) when the incident's state does not allow it.
 */
export async function sendIncidentChange(config: VigilConfig, change: IncidentChange): Promise<string> {
  const topic = await ensureIncidentStatusTopic(config.kafka);
  const bus = new Bus(config.kafka, 'incident-cli');
  try {
    const actions = topicsFor(config.kafka.topicPrefix).actions;
    await bus.ensureTopics(topicSpecs(config.kafka).filter((t) => t.name === actions));
    const producer = await bus.producer();
    await publishIncidentChanges(producer, topic, [change]);
    const audit = incidentChangeAudit(change, { name: change.by, role: 'cli' });
    if (audit) await producer.send(actions, [changeAuditRecord(changeAuditDocument(audit))]);
  } finally {
    await bus.close();
  }
  return topic;
}

/** The change a command line asks for, and how to say it was sent. */
function asked(
  verb: string,
  rest: string[],
  flags: { into?: string },
  switches: { none?: boolean; clear?: boolean },
): { request: ChangeRequest; says: string } {
  const status = STATUS_VERBS[verb];
  const one = (what: string) => {
    if (rest.length === 0) throw new VigilError('CLI_USAGE', `no ${what}\n${USAGE}`);
    if (rest.length > 1) throw new VigilError('CLI_USAGE', `unexpected argument "${rest[1]}"\n${USAGE}`);
    return rest[0] as string;
  };
  const none = () => {
    if (rest.length > 0) throw new VigilError('CLI_USAGE', `unexpected argument "${rest[0]}"\n${USAGE}`);
  };
  if (status) {
    none();
    return { request: { kind: 'status', status }, says: status };
  }
  switch (verb) {
    case 'assign': {
      if (switches.none) {
        none();
        return { request: { kind: 'assign', assignee: null }, says: 'unassigned' };
      }
      const who = one('assignee (or --none)');
      return { request: { kind: 'assign', assignee: who }, says: `assigned to ${who}` };
    }
    case 'note': {
      if (rest.length === 0) throw new VigilError('CLI_USAGE', `no note text\n${USAGE}`);
      return { request: { kind: 'note', text: rest.join(' ') }, says: 'note added' };
    }
    case 'severity': {
      if (switches.clear) {
        none();
        return { request: { kind: 'severity', severity: null }, says: 'severity override cleared' };
      }
      const level = one('severity (or --clear)');
      if (levelRank(level) < 0) throw new VigilError('CLI_USAGE', `unknown severity "${level}": ${LEVELS.join(', ')}\n${USAGE}`);
      return { request: { kind: 'severity', severity: level as Level }, says: `severity set to ${level}` };
    }
    case 'merge': {
      none();
      if (!flags.into) throw new VigilError('CLI_USAGE', `merge needs --into <incident-id>\n${USAGE}`);
      return { request: { kind: 'merge', into: flags.into }, says: `merged into ${flags.into}` };
    }
    default:
      throw new VigilError('CLI_USAGE', `unknown action "${verb}"\n${USAGE}`);
  }
}

/** `vigil incident <action> <id> …` (see USAGE). */
export async function run(argv: string[], io: IncidentIo = defaultIo): Promise<number> {
  const { flags, switches, positional } = parseArgs(argv, {
    flags: ['config', 'reason', 'by', 'into'] as const,
    switches: ['none', 'clear'] as const,
  });
  const [verb, id, ...rest] = positional;
  if (!verb) throw new VigilError('CLI_USAGE', `no action\n${USAGE}`);
  if (!id || !id.trim()) throw new VigilError('CLI_USAGE', `no incident id\n${USAGE}`);
  const { request, says } = asked(verb, rest, flags, switches);
  const config = loadConfig(flags.config ?? 'vigil.yaml');
  const by = flags.by ?? `cli:${io.user()}`;
  let change: IncidentChange;
  try {
    change = incidentChange({
      incidentId: id.trim(),
      at: io.now(),
      by,
      source: 'cli',
      ...(flags.reason ? { reason: flags.reason } : {}),
      ...request,
    });
  } catch (err) {
    if (err instanceof VigilError && err.code === 'INCIDENT_STATUS') throw new VigilError('CLI_USAGE', `${err.message}\n${USAGE}`);
    throw err;
  }
  const topic = await sendIncidentChange(config, change);
  io.out(`incident ${change.incident_id}: ${says} by ${by}${change.reason ? ` (${change.reason})` : ''} → ${topic}`);
  return 0;
}
