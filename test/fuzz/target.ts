import type { DeadLetter } from '../../core/deadletter/index.js';
import type { ErrorCode, VigilError } from '../../core/errors/index.js';
import type { EcsEvent } from '../../core/event/index.js';
import type { SampleKind } from './seeds.js';

/** What one input to a record path became: events, dead letters, or (for a bug) both empty. */
export interface Outcome {
  events: EcsEvent[];
  letters: DeadLetter[];
}

/** What one input to a loader (rules, correlations, playbooks, config) became: loaded, or refused with located problems. */
export interface Verdict {
  loaded: boolean;
  problems: readonly VigilError[];
}

/** One entry point under fuzz. `run` never throws unless the code under test has a bug. */
export interface FuzzTarget {
  name: string;
  /** Which samples to mutate. */
  samples: SampleKind;
  /** Samples of this target's own format, mutated about half the time (the rest come from all samples). */
  focus?: (sample: string) => boolean;
  /** True where an input may rightly yield nothing (an S2S stream of control messages only). */
  mayYieldNothing?: boolean;
  /** Inputs per run in `npm test`, where the default would take too long (loaders parse YAML). */
  testCount?: number;
  run(raw: Buffer): Outcome | Verdict;
}

export const NOW = new Date('2026-11-22T02:05:00.000Z');
export const INPUT_ID = 'fuzz';
export const PEER = '192.0.2.1';

export const deadLetter = (raw: Buffer, code: ErrorCode, reason: string): DeadLetter => ({
  stage: 'ingest',
  component: INPUT_ID,
  code,
  reason,
  raw,
  peer: PEER,
});

export const one = (event: EcsEvent): Outcome => ({ events: [event], letters: [] });
export const dead = (letter: DeadLetter): Outcome => ({ events: [], letters: [letter] });
