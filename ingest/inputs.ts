import type { Publisher } from '../core/bus/types.js';
import type { InputConfig, SyslogInputConfig } from '../core/config/types.js';
import { createIngestPipeline } from './pipeline.js';
import { startSyslogInput, type SyslogInput } from './syslog/index.js';

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
    startSyslogInput(cfg, createIngestPipeline({ input: cfg, ...deps })),
} as const;

export type InputType = keyof typeof INPUTS;

/** Starts the input `cfg` describes. */
export function startInput(cfg: InputConfig, deps: InputDeps): Promise<RunningInput> {
  return INPUTS[cfg.type](cfg, deps);
}
