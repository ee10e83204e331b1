import type { FieldProblem } from '../../core/config/dsl.js';
import { errorMessage, isVigilError } from '../../core/errors/index.js';
import { compileMatch } from './compile.js';
import type { RouteConfig } from './schema.js';

/**
 * What the route schema cannot say: the `match` block compiles (with the detection compiler
 * every rule uses), and the options do not contradict each other. `vigil validate` reports each
 * at its field's line.
 */
export function routeProblems(route: RouteConfig): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (route.match !== undefined) {
    try {
      compileMatch(route.match);
    } catch (err) {
      const each = err instanceof Error && err.cause instanceof AggregateError ? (err.cause.errors as unknown[]) : [err];
      for (const e of each) {
        problems.push({
          code: 'RULE_INVALID',
          message: `route "${route.name}": match does not compile: ${isVigilError(e) ? e.message : errorMessage(e)}`,
          field: 'match',
        });
      }
    }
  }
  if (route.aggregate && route.dedupe) {
    problems.push({
      code: 'CONFIG_CONFLICT',
      message: `route "${route.name}": aggregate and dedupe exclude each other (an aggregate is never an exact duplicate)`,
      field: 'dedupe',
    });
  }
  const renamed = new Set(Object.keys(route.rename ?? {}));
  for (const f of route.keep ?? []) {
    if ((route.drop ?? []).includes(f))
      problems.push({ code: 'CONFIG_CONFLICT', message: `route "${route.name}": "${f}" is both kept and dropped`, field: 'drop' });
  }
  for (const f of Object.values(route.rename ?? {})) {
    if (renamed.has(f))
      problems.push({ code: 'CONFIG_CONFLICT', message: `route "${route.name}": rename chains through "${f}"`, field: 'rename' });
  }
  return problems;
}
