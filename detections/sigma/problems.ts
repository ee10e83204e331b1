import { firstYamlErrors, VigilError, type ErrorCode, type YamlErrorLike } from '../../core/errors/index.js';
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

/** A document's first YAML errors as located problems (see firstYamlErrors). */
export function yamlProblems(
  errors: readonly YamlErrorLike[],
  lineCounter: { linePos(offset: number): { line: number; col: number } },
): Problem[] {
  return firstYamlErrors(errors, lineCounter, (message, line, column) => ({
    message: `invalid YAML: ${message}`,
    at: { path: '', line, column },
  }));
}
