/** `not`: the negation (Sigma 2.1 condition); it binds tighter than and/or. */
import { describe } from 'vitest';
import { conditionCases } from '../../../test/support/sigma.js';

describe('not', () => {
  conditionCases([
    ['not a', [], true],
    ['not a', ['a'], false],
    ['not not a', ['a'], true],
    ['a and not b', ['a'], true],
    ['a and not b', ['a', 'b'], false],
    ['not a and b', ['b'], true], // (not a) and b
    ['not a and b', ['a', 'b'], false],
    ['not a or b', ['a'], false], // (not a) or b
    ['not a or b', ['a', 'b'], true],
    ['NOT a', [], true],
  ]);
});
