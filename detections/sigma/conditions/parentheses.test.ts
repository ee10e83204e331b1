/** Parentheses group sub-expressions (Sigma 2.1 condition). */
import { describe } from 'vitest';
import { conditionCases } from '../../../test/support/sigma.js';

describe('parentheses', () => {
  conditionCases([
    ['(a or b) and c', ['a'], false],
    ['(a or b) and c', ['b', 'c'], true],
    ['a or (b and c)', ['a'], true],
    ['not (a and b)', ['a'], true],
    ['not (a and b)', ['a', 'b'], false],
    ['not (a or b)', [], true],
    ['((a))', ['a'], true],
    ['a and (b or (c and not sel_1))', ['a', 'c'], true],
    ['a and (b or (c and not sel_1))', ['a', 'c', 'sel_1'], false],
  ]);
});
