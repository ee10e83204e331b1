import { VigilError, type ErrorCode } from '../../core/errors/index.js';
import type { Where } from './model.js';

/**
 * One thing wrong with a rule, found while parsing or compiling. Problems are collected, never
 * thrown one at a time, so that a rule author sees all of them at once.
 */
export interface Problem {
  readonly message: string;
  readonly at: Where;
  /** A valid Sigma 2.1 feature that Vigil does not run (a regex RE2 refuses, a correlation), as opposed to a mistake in the rule. */
  readonly unsupported?: boolean;
  /** An `expand` placeholder the configuration gives no value for. */
  readonly placeholder?: boolean;
}

export function problemCode(problem: Problem): ErrorCode {
  return problem.placeholder ? 'RULE_PLACEHOLDER' : problem.unsupported ? 'RULE_UNSUPPORTED' : 'RULE_INVALID';
}

export function toVigilError(problem: Problem, file: string): VigilError {
  const { path, line, column } = problem.at;
  return new VigilError(problemCode(problem), problem.message, {
    location: { file, line, column, path: path || undefined },
  });
}

/** One RULE_INVALID error that lists every problem; the individual errors are its `cause` (an AggregateError). */
export function aggregateError(errors: readonly VigilError[], what: string): VigilError {
  const first = errors[0];
  const lines = errors.map((e) => `  ${e.describe()}`).join('\n');
  return new VigilError('RULE_INVALID', `${what} has ${errors.length} problem${errors.length === 1 ? '' : 's'}:\n${lines}`, {
    location: first?.location,
    cause: new AggregateError(errors, what),
  });
}

/** YAML errors past this many in one document are summed up in one last problem. */
const MAX_YAML_PROBLEMS = 10;

/**
 * A document's YAML errors as located problems. A broken quote can make the parser report an
 * error every few bytes (thousands in one file): the first few say where to look, and listing
 * the rest would cost more than parsing did.
 */
export function yamlProblems(
  errors: ReadonlyArray<{ message: string; pos: [number, number] }>,
  lineCounter: { linePos(offset: number): { line: number; col: number } },
): Problem[] {
  const out: Problem[] = errors.slice(0, MAX_YAML_PROBLEMS).map((err) => {
    const { line, col } = lineCounter.linePos(err.pos[0]);
    return { message: `invalid YAML: ${err.message}`, at: { path: '', line, column: col } };
  });
  const more = errors.length - MAX_YAML_PROBLEMS;
  if (more > 0) {
    const last = out[out.length - 1] as Problem;
    out.push({ message: `invalid YAML: ${more} more error${more === 1 ? '' : 's'} after this one`, at: last.at });
  }
  return out;
}
