import { deadLetterRecord, type DeadLetter } from '../../../core/deadletter/index.js';
import { ERROR_CODES } from '../../../core/errors/index.js';
import { fuzzInputs } from './mutate.js';
import type { FuzzTarget, Outcome } from './targets.js';

/** Codes that mean a safety net caught an exception: the input survived, but the code has a bug. */
const CAUGHT_EXCEPTION_CODES = new Set(['PARSE_FAILED', 'NORMALIZE_FAILED']);

export interface FuzzStats {
  target: string;
  inputs: number;
  events: number;
  deadLetters: number;
  /** Exceptions that escaped the entry point. */
  exceptions: number;
  /** Exceptions a try/catch turned into PARSE_FAILED/NORMALIZE_FAILED dead letters. */
  caught: number;
  /** Outcomes that broke the contract: nothing came out, or a dead letter without raw bytes, reason or known code. */
  invalid: number;
  seconds: number;
  /** The input that took longest, a hint of super-linear work (its size and milliseconds). */
  slowest: { ms: number; bytes: number; input: Buffer } | undefined;
  /** The first few problems, with the input (base64) to reproduce each. */
  problems: Array<{ kind: 'exception' | 'caught' | 'invalid'; message: string; input: string }>;
}

const MAX_PROBLEMS = 20;

/** Why an outcome breaks the contract, or undefined when it keeps it. */
function contractBreach(raw: Buffer, out: Outcome): string | undefined {
  // Cloud inputs skip blank text: there is no record in it.
  if (out.events.length === 0 && out.letters.length === 0)
    return raw.toString('utf8').trim() === '' ? undefined : 'no event and no dead letter';
  for (const e of out.events) {
    if (typeof e['@timestamp'] !== 'string' || typeof e.vigil?.id !== 'string') return 'event without @timestamp or vigil.id';
  }
  for (const l of out.letters) {
    if (!Object.hasOwn(ERROR_CODES, l.code)) return `dead letter with unknown code ${String(l.code)}`;
    if (typeof l.reason !== 'string' || l.reason === '') return 'dead letter without a reason';
    if (l.raw.length === 0 && raw.length > 0) return 'dead letter without raw bytes';
    deadLetterRecord(l); // must serialize
  }
  return undefined;
}

function letterCaught(letters: readonly DeadLetter[]): DeadLetter | undefined {
  return letters.find((l) => CAUGHT_EXCEPTION_CODES.has(l.code));
}

/** `samples` with the target's own format repeated until it makes about half of them. */
function weighted(target: FuzzTarget, samples: readonly Buffer[]): readonly Buffer[] {
  if (!target.focus) return samples;
  const own = samples.filter((b) => target.focus!(b.toString('utf8')));
  if (own.length === 0) return samples;
  const out = [...samples];
  while (out.length < samples.length * 2) out.push(...own);
  return out;
}

/** Runs `count` inputs (seeded, from `samples`) through `target` and counts what became of them. */
export function fuzzTarget(target: FuzzTarget, samples: readonly Buffer[], count: number, seed = 1): FuzzStats {
  const stats: FuzzStats = {
    target: target.name,
    inputs: 0,
    events: 0,
    deadLetters: 0,
    exceptions: 0,
    caught: 0,
    invalid: 0,
    seconds: 0,
    slowest: undefined,
    problems: [],
  };
  const note = (kind: FuzzStats['problems'][number]['kind'], message: string, raw: Buffer): void => {
    if (stats.problems.length < MAX_PROBLEMS) stats.problems.push({ kind, message, input: raw.toString('base64') });
  };
  const t0 = performance.now();
  for (const raw of fuzzInputs(seed, weighted(target, samples), count)) {
    stats.inputs++;
    let out: Outcome;
    const start = performance.now();
    try {
      out = target.run(raw);
      const ms = performance.now() - start;
      if (ms > (stats.slowest?.ms ?? 0)) stats.slowest = { ms, bytes: raw.length, input: raw };
      const breach = contractBreach(raw, out);
      if (breach) {
        stats.invalid++;
        note('invalid', breach, raw);
        continue;
      }
    } catch (err) {
      stats.exceptions++;
      note('exception', err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err), raw);
      continue;
    }
    stats.events += out.events.length;
    stats.deadLetters += out.letters.length;
    const caught = letterCaught(out.letters);
    if (caught) {
      stats.caught++;
      note('caught', `${caught.code}: ${caught.reason}`, raw);
    }
  }
  stats.seconds = (performance.now() - t0) / 1000;
  return stats;
}
