/** `lte`: the field is less than or equal to the value (Sigma 2.1 numeric modifiers). */
import { describe } from 'vitest';
import { cases, refuses } from '../../../test/support/sigma.js';

describe('lte', () => {
  cases('f|lte', [
    [10, 9, true],
    [10, 10, true],
    [10, '10', true],
    [10, 10.001, false],
    [10, 'x', false],
  ]);
  cases('f|lte|all', [
    [[10, 20], 5, true], // both bounds hold
    [[10, 20], 15, false],
  ]);
  refuses([['f|lte', true, 'RULE_INVALID', /'lte' cannot apply to a boolean/]]);
});
