import { deadLetterRecord, type DeadLetter } from '../../core/deadletter/index.js';
import { ERROR_CODES } from '../../core/errors/index.js';
import { fuzzInputs } from './mutate.js';
import type { FuzzTarget, Outcome, Verdict } from './target.js';

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
  /** Inputs that took longer than the per-input budget, on each of three tries. */
  slow: number;
  seconds: number;
  /** The input that took longest, a hint of super-linear work (its size and milliseconds). */
  slowest: { ms: number; bytes: number; input: Buffer } | undefined;
  /** The first few problems, with the input (base64) to reproduce each. */
  problems: Array<{ kind: ProblemKind; message: string; input: string }>;
  /** The slow inputs themselves, to save as regression cases. */
  slowInputs: Buffer[];
}

export type ProblemKind = 'exception' | 'caught' | 'invalid' | 'slow';

export interface FuzzOptions {
  seed?: number;
  /**
   * CPU milliseconds one input may take, plus `budgetUsPerByte` for each of its bytes. Work
   * linear in the input fits; super-linear work (a backtracking regex, a quadratic loop), which
   * one datagram would use to stall a stage, does not. Default 250 ms: far above a GC pause.
   */
  budgetMs?: number;
  /** Microseconds of budget per input byte. Default 10: YAML loaders spend about that on a byte of broken YAML. */
  budgetUsPerByte?: number;
}

/** CPU milliseconds an input of `bytes` may take. */
export function budgetFor(bytes: number, opts: FuzzOptions = {}): number {
  return (opts.budgetMs ?? 250) + (bytes * (opts.budgetUsPerByte ?? 10)) / 1000;
}

const MAX_PROBLEMS = 20;

/** Why a loader's verdict breaks the contract: a refusal must say why, with a catalogued code and the file it is about. */
function verdictBreach(v: Verdict): string | undefined {
  if (!v.loaded && v.problems.length === 0) return 'refused without a problem';
  for (const p of v.problems) {
    if (!Object.hasOwn(ERROR_CODES, p.code)) return `problem with unknown code ${String(p.code)}`;
    if (typeof p.message !== 'string' || p.message === '') return 'problem without a message';
    if (!p.location?.file) return `problem without a location: ${p.message}`;
  }
  return undefined;
}

/** Why an outcome breaks the contract, or undefined when it keeps it. */
export function contractBreach(target: FuzzTarget, raw: Buffer, result: Outcome | Verdict): string | undefined {
  if ('loaded' in result) return verdictBreach(result);
  const out = result;
  // Cloud inputs skip blank text: there is no record in it.
  if (out.events.length === 0 && out.letters.length === 0 && !target.mayYieldNothing)
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

function caughtIn(result: Outcome | Verdict): { code: string; reason: string } | undefined {
  if ('loaded' in result) return undefined;
  const l: DeadLetter | undefined = result.letters.find((x) => CAUGHT_EXCEPTION_CODES.has(x.code));
  return l && { code: l.code, reason: l.reason };
}

/**
 * CPU milliseconds of this process so far. The budget is on CPU time, not wall time: on a
 * machine shared with other work (a CI runner, parallel test files) wall time also counts the
 * time the scheduler gave to others, which says nothing about the input.
 */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** CPU milliseconds `run(raw)` takes at best of `tries` (one slow try can be a GC pause or another process). */
function bestOf(target: FuzzTarget, raw: Buffer, tries: number): number {
  let best = Infinity;
  for (let i = 0; i < tries; i++) {
    const start = cpuMs();
    target.run(raw);
    best = Math.min(best, cpuMs() - start);
  }
  return best;
}

/** One input through `target`, timed: what became of it, or the exception it threw. */
export function runOne(target: FuzzTarget, raw: Buffer): { result?: Outcome | Verdict; error?: unknown; ms: number } {
  const start = cpuMs();
  try {
    const result = target.run(raw);
    return { result, ms: cpuMs() - start };
  } catch (error) {
    return { error, ms: cpuMs() - start };
  }
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
export function fuzzTarget(target: FuzzTarget, samples: readonly Buffer[], count: number, opts: FuzzOptions = {}): FuzzStats {
  const stats: FuzzStats = {
    target: target.name,
    inputs: 0,
    events: 0,
    deadLetters: 0,
    exceptions: 0,
    caught: 0,
    invalid: 0,
    slow: 0,
    seconds: 0,
    slowest: undefined,
    problems: [],
    slowInputs: [],
  };
  const note = (kind: ProblemKind, message: string, raw: Buffer): void => {
    if (stats.problems.length < MAX_PROBLEMS) stats.problems.push({ kind, message, input: raw.toString('base64') });
  };
  const t0 = performance.now();
  for (const raw of fuzzInputs(opts.seed ?? 1, weighted(target, samples), count)) {
    stats.inputs++;
    const { result, error, ms } = runOne(target, raw);
    if (ms > (stats.slowest?.ms ?? 0)) stats.slowest = { ms, bytes: raw.length, input: raw };
    const budget = budgetFor(raw.length, opts);
    if (ms > budget) {
      const best = error === undefined ? bestOf(target, raw, 2) : ms;
      if (best > budget) {
        stats.slow++;
        stats.slowInputs.push(raw);
        note('slow', `${best.toFixed(0)} ms of CPU for ${raw.length} bytes (budget ${budget.toFixed(0)} ms)`, raw);
      }
    }
    if (error !== undefined || result === undefined) {
      stats.exceptions++;
      note('exception', error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error), raw);
      continue;
    }
    const breach = contractBreach(target, raw, result);
    if (breach) {
      stats.invalid++;
      note('invalid', breach, raw);
      continue;
    }
    if ('loaded' in result) {
      if (result.loaded) stats.events++;
      else stats.deadLetters++;
      continue;
    }
    stats.events += result.events.length;
    stats.deadLetters += result.letters.length;
    const caught = caughtIn(result);
    if (caught) {
      stats.caught++;
      note('caught', `${caught.code}: ${caught.reason}`, raw);
    }
  }
  stats.seconds = (performance.now() - t0) / 1000;
  return stats;
}
