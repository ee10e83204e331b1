import type { FuzzTarget } from '../target.js';
import { ENVELOPE_TARGETS } from './envelopes.js';
import { LOADER_TARGETS } from './loaders.js';
import { RECORD_TARGETS } from './records.js';

/** Every entry point under fuzz, by the name `bench/fuzz.ts --target` takes. */
export const FUZZ_TARGETS: readonly FuzzTarget[] = [...RECORD_TARGETS, ...ENVELOPE_TARGETS, ...LOADER_TARGETS];
