import type { Publisher } from '../core/bus/types.js';
import { deadLetterOversized } from '../core/deadletter/oversized.js';
import type { InputConfig, RelpInputConfig, SplunkHecInputConfig, SplunkS2sInputConfig, SyslogInputConfig } from '../core/config/types.js';
import { assertInputAuthenticated } from '../core/config/index.js';
import { createIngestPipeline } from './pipeline.js';
import { startSyslogInput, type SyslogInput } from './syslog/index.js';
import { startHecInput } from './splunk-hec/index.js';
import { startS2sInput } from './splunk-s2s/index.js';
import { startRelpInput } from './relp/index.js';
import type {
  AwsCloudTrailInputConfig,
  AwsFirehoseInputConfig,
  AzureEventHubsInputConfig,
  FileInputConfig,
  GcpPubSubInputConfig,
  OktaInputConfig,
} from '../core/config/types.js';
import { startFirehoseInput } from './aws-firehose/index.js';
import { startCloudTrailInput } from './aws-cloudtrail/index.js';
import { startPubSubInput } from './gcp-pubsub/index.js';
import { startEventHubsInput } from './azure-eventhubs/index.js';
import { startOktaInput } from './okta/index.js';
import { startFileInput } from './file/index.js';

/** What every input needs from the process that runs it. */
export interface InputDeps {
  publisher: Publisher;
  /** Full (prefixed) topic names. */
  eventsTopic: string;
  deadletterTopic: string;
}

export type RunningInput = SyslogInput;

/** Inputs keyed by their YAML `type`. Adding a source: one file, one line here, its tests. */
export const INPUTS = {
  syslog: (cfg: SyslogInputConfig, deps: InputDeps): Promise<RunningInput> =>
    startSyslogInput(cfg, createIngestPipeline({ input: cfg, workers: cfg.parseWorkers, ...deps })),
  'splunk-hec': (cfg: SplunkHecInputConfig, deps: InputDeps): Promise<RunningInput> => startHecInput(cfg, deps),
  'splunk-s2s': (cfg: SplunkS2sInputConfig, deps: InputDeps): Promise<RunningInput> => startS2sInput(cfg, deps),
  relp: (cfg: RelpInputConfig, deps: InputDeps): Promise<RunningInput> =>
    startRelpInput(cfg, createIngestPipeline({ input: cfg, workers: cfg.parseWorkers, ...deps })),
  'aws-firehose': (cfg: AwsFirehoseInputConfig, deps: InputDeps): Promise<RunningInput> => startFirehoseInput(cfg, deps),
  'aws-cloudtrail': (cfg: AwsCloudTrailInputConfig, deps: InputDeps): Promise<RunningInput> => startCloudTrailInput(cfg, deps),
  'gcp-pubsub': (cfg: GcpPubSubInputConfig, deps: InputDeps): Promise<RunningInput> => startPubSubInput(cfg, deps),
  'azure-eventhubs': (cfg: AzureEventHubsInputConfig, deps: InputDeps): Promise<RunningInput> => startEventHubsInput(cfg, deps),
  okta: (cfg: OktaInputConfig, deps: InputDeps): Promise<RunningInput> => startOktaInput(cfg, deps),
  file: (cfg: FileInputConfig, deps: InputDeps): Promise<RunningInput> => startFileInput(cfg, deps),
} as const;

export type InputType = keyof typeof INPUTS;

/**
 * Starts the input `cfg` describes. A network input that authenticates nobody is refused
 * (CONFIG_INSECURE) unless its config says `auth: none`; the loader reports the same with a
 * position, this catches configs built in code.
 */
export async function startInput(cfg: InputConfig, deps: InputDeps): Promise<RunningInput> {
  assertInputAuthenticated(cfg);
  // Every input's records go through one size guard: one Kafka will never take is dead-lettered,
  // so that no input retries it (or tells its sender to resend it) forever.
  const target = { deadletterTopic: deps.deadletterTopic, stage: 'ingest', component: cfg.id, kind: 'input' } as const;
  const guarded: InputDeps = { ...deps, publisher: deadLetterOversized(deps.publisher, target) };
  // TypeScript cannot correlate the union's `type` with its registry entry; the registry's keys are the union's tags.
  return (INPUTS[cfg.type] as (c: InputConfig, d: InputDeps) => Promise<RunningInput>)(cfg, guarded);
}
