/**
 * Network inputs authenticate their senders. One that lets anyone who can reach its port write
 * events into the pipeline is refused, unless its config says `auth: none` on purpose: at load
 * time (each input's schema `check`, located) and again at start, for configs built in code.
 */
import type { FieldProblem } from '../../core/config/dsl.js';

const OPT_OUT = 'or say `auth: none` to accept events from anyone who can reach the port';

/** The problem of an input that authenticates nobody; `how` says what would authenticate it. */
export function unauthenticated(how: string): FieldProblem[] {
  return [{ code: 'CONFIG_INSECURE', message: `${how}, ${OPT_OUT}`, field: 'auth' }];
}
