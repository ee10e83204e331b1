/**
 * `exists`: the field is present (true) or absent (false). Sigma 2.1: "only verifies the
 * presence of a field, not its value, be it empty or null".
 */
import { describe } from 'vitest';
import { cases, MISSING, refuses } from '../../../test/support/sigma.js';

describe('exists', () => {
  cases('f|exists', [
    [true, 'x', true],
    [true, '', true], // empty is present
    [true, null, true], // null is present
    [true, [], true],
    [true, 0, true],
    [true, { event: { f: { nested: 1 } } }, true],
    [true, MISSING, false],
    [false, MISSING, true],
    [false, null, false],
    [false, 'x', false],
    ['true', 'x', true], // the string forms are accepted
    ['false', MISSING, true],
  ]);
  cases('f.g|exists', [
    [true, { event: { f: { g: 1 } } }, true],
    [true, { event: { f: {} } }, false],
    [true, { event: { 'f.g': 1 } }, true],
  ]);
  // Combined with a negation: the field is absent.
  cases('f|exists|neq', [
    [true, MISSING, true],
    [true, 'x', false],
  ]);
  refuses([
    ['f|exists', 'maybe', 'RULE_INVALID', /'exists' takes true or false/],
    ['f|exists', 1, 'RULE_INVALID', /'exists' takes true or false/],
    ['f|contains|exists', true, 'RULE_INVALID', /'exists' reads the value as written and must come before 'contains'/],
    ['f|exists|contains', true, 'RULE_INVALID', /'contains' cannot apply to an 'exists' check/],
    ['|exists', true, 'RULE_INVALID', /'exists' needs a field/],
  ]);
});
