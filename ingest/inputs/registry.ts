/**
 * Every input type, keyed by its YAML `type`: the schema of its config (declared beside its code,
 * in `<type>/config.ts`) and how to start it. Adding an input: one folder, one line here, its tests.
 */
import type { Publisher } from '../../core/bus/types.js';
import type { Infer, ObjectSchema } from '../../core/config/dsl.js';
import { deadLetterOversized } from '../../core/deadletter/oversized.js';
import { VigilError } from '../../core/errors/index.js';
import { createFramePublisher, type FramePublisherOptions } from '../frame-publisher.js';
import * as cloudTrail from './aws-cloudtrail/index.js';
import * as firehose from './aws-firehose/index.js';
import * as eventHubs from './azure-eventhubs/index.js';
import * as file from './file/index.js';
import * as pubSub from './gcp-pubsub/index.js';
import * as okta from './okta/index.js';
import * as relp from './relp/index.js';
import * as hec from './splunk-hec/index.js';
import * as s2s from './splunk-s2s/index.js';
import * as syslog from './syslog/index.js';

/** What every input needs from the process that runs it. */
export interface InputDeps {
  publisher: Publisher;
  /** Full (prefixed) topic names. */
  eventsTopic: string;
  deadletterTopic: string;
  /** GeoIP enrichment for inputs that build events from frames (see ingest/enrich/geoip/frame.ts). */
  geoip?: FramePublisherOptions['geoip'];
  /** Threat-intelligence enrichment for the same inputs (see ingest/enrich/intel/frame.ts). */
  intel?: FramePublisherOptions['intel'];
}

/** A started input, whatever its type. */
export interface RunningInput {
  /** The bound port (the ephemeral one when the config said 0); inputs that listen to nobody say 0. */
  port: number;
  /** Stops taking data, waits for what is in flight to reach Kafka, then resolves. */
  close(): Promise<void>;
}

type Start<C> = (cfg: C, deps: InputDeps) => Promise<RunningInput>;
const entry = <S extends ObjectSchema, C>(schema: S, start: Start<C>) => ({ schema, start });

export const INPUTS = {
  syslog: entry(syslog.schema, (cfg: syslog.SyslogInputConfig, deps) =>
    syslog.startSyslogInput(cfg, createFramePublisher({ input: cfg, workers: cfg.parseWorkers, ...deps })),
  ),
  'splunk-hec': entry(hec.schema, hec.startHecInput),
  'splunk-s2s': entry(s2s.schema, s2s.startS2sInput),
  relp: entry(relp.schema, (cfg: relp.RelpInputConfig, deps) =>
    relp.startRelpInput(cfg, createFramePublisher({ input: cfg, workers: cfg.parseWorkers, ...deps })),
  ),
  'aws-firehose': entry(firehose.schema, firehose.startFirehoseInput),
  'aws-cloudtrail': entry(cloudTrail.schema, cloudTrail.startCloudTrailInput),
  'gcp-pubsub': entry(pubSub.schema, pubSub.startPubSubInput),
  'azure-eventhubs': entry(eventHubs.schema, eventHubs.startEventHubsInput),
  okta: entry(okta.schema, okta.startOktaInput),
  file: entry(file.schema, file.startFileInput),
} as const;

export type InputType = keyof typeof INPUTS;

/** The schema of every input type, keyed by its YAML `type`: the `inputs` union of the root schema. */
export type InputSchemas = { readonly [T in InputType]: (typeof INPUTS)[T]['schema'] };
export const INPUT_SCHEMAS = Object.fromEntries(Object.entries(INPUTS).map(([type, e]) => [type, e.schema])) as InputSchemas;

/** One input of `vigil.yaml`, as loaded: the union of every input type's config. */
export type InputConfig = Infer<{ kind: 'union'; variants: InputSchemas }>;

/**
 * Starts the input `cfg` describes. The checks its schema runs on a loaded file (a network input
 * that authenticates nobody is refused unless it says `auth: none`) run again here, for configs
 * built in code.
 */
export async function startInput(cfg: InputConfig, deps: InputDeps): Promise<RunningInput> {
  const { schema, start } = INPUTS[cfg.type] as { schema: ObjectSchema; start: Start<InputConfig> };
  const [problem] = schema.check?.(cfg) ?? [];
  if (problem) {
    throw new VigilError(problem.code, `input ${cfg.id}: ${problem.message}`, { location: { path: `inputs.${cfg.id}.${problem.field}` } });
  }
  // Every input's records go through one size guard: one Kafka will never take is dead-lettered,
  // so that no input retries it (or tells its sender to resend it) forever.
  const target = { deadletterTopic: deps.deadletterTopic, stage: 'ingest', component: cfg.id, kind: 'input' } as const;
  return start(cfg, { ...deps, publisher: deadLetterOversized(deps.publisher, target) });
}
