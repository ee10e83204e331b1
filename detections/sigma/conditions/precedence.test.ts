/** Operator precedence (Sigma 2.1): or < and < not < x of < parentheses. */
import { describe } from 'vitest';
import { conditionCases } from '../../../test/support/sigma.js';

describe('precedence', () => {
  conditionCases([
    ['a or b and c', ['a'], true], // a or (b and c)
    ['a or b and c', ['b'], false],
    ['a and b or c', ['c'], true], // (a and b) or c
    ['a and b or c', ['a'], false],
    ['not a or b and c', [], true], // (not a) or (b and c)
    ['not 1 of sel_*', [], true], // not (1 of sel_*)
    ['not 1 of sel_*', ['sel_2'], false],
    ['a and not 1 of filter_*', ['a', 'filter_y'], false],
    ['1 of sel_* and not a', ['sel_1'], true], // (1 of sel_*) and (not a)
  ]);
});
