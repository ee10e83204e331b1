import { errorMessage, isVigilError } from '../core/errors/index.js';

type Command = { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> };

/** Every `vigil` subcommand: one line each, loaded lazily so `vigil validate` never pulls in Kafka. */
const COMMANDS: Record<string, Command> = {
  run: {
    summary: 'run the pipeline: vigil run --config vigil.yaml [--stage ingest|detect|respond|sink]',
    load: () => import('./commands/run.js'),
  },
  up: { summary: 'start local Kafka, Redis and Elasticsearch (installs what is missing)', load: () => import('./commands/up.js') },
  down: { summary: 'stop the local services that `vigil up` started', load: () => import('./commands/down.js') },
  status: { summary: 'show the local services: port, pid, health', load: () => import('./commands/status.js') },
  parse: {
    summary: 'print what raw log records become: vigil parse [--type …] [--schema ecs|ocsf] [file…]',
    load: () => import('./commands/parse.js'),
  },
  validate: { summary: 'check a vigil.yaml and print every problem with its location', load: () => import('./commands/validate.js') },
  incident: {
    summary: 'triage an incident: vigil incident ack|close|reopen|assign|note|severity|merge <id> … [--config vigil.yaml]',
    load: () => import('./commands/incident.js'),
  },
  incidents: {
    summary: 'fill acknowledgement and resolution times missing on older incident documents: vigil incidents backfill [--dry-run]',
    load: () => import('./commands/incidents.js'),
  },
  demo: { summary: 'run the bundled attack sample end to end and print what happened', load: () => import('./commands/demo.js') },
  rules: {
    summary: 'check, lint, test, measure Sigma rules: vigil rules validate|lint|test|coverage|backtest [--pipeline NAME] [path…]',
    load: () => import('./commands/rules.js'),
  },
  fields: {
    summary: 'fields rules read that the data never holds, and frequent fields no rule reads: vigil fields --data FILE|DIR… [rules…]',
    load: () => import('./commands/fields.js'),
  },
  hunt: {
    summary: 'run Sigma rules over log files, no services: vigil hunt --rules PATH [--output table|jsonl] <file|dir>…',
    load: () => import('./commands/hunt.js'),
  },
  replay: {
    summary:
      'retro-hunt: rules and correlations over vigil.events received between two times, into topics and indices of their own: vigil replay --config FILE --from TIME --to TIME --rules PATH; or archived history into a sink: vigil replay --from-archive PATH|s3://… --to-sink NAME --from TIME --to TIME',
    load: () => import('./commands/replay.js'),
  },
  report: {
    summary: 'what routes kept and dropped, per sink and route: vigil report reduction [--config FILE] [--since 24h] [--output table|json]',
    load: () => import('./commands/report.js'),
  },
  kibana: {
    summary: 'import Vigil’s Kibana objects and playbook connectors: vigil kibana setup|export …',
    load: () => import('./commands/kibana.js'),
  },
  playbook: { summary: 'playbook runs: vigil playbook run|runs|show|cancel|approve|deny …', load: () => import('./commands/playbook.js') },
  playbooks: {
    summary:
      'check playbooks (exit 2), run their tests, or list the actions they can use: vigil playbooks validate|test <file|dir>… | actions',
    load: () => import('./commands/playbooks.js'),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return ['usage: vigil <command> [options]', '', ...Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`)].join(
    '\n',
  );
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 1;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    console.error(`vigil: unknown command "${name}"\n\n${usage()}`);
    return 1;
  }
  try {
    return await (await cmd.load()).run(rest);
  } catch (err) {
    console.error(`vigil ${name}: ${errorMessage(err)}`);
    if (!isVigilError(err) && process.env.VIGIL_DEBUG) console.error(err);
    return 1;
  }
}
