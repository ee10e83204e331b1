/** A list of conditions: the rule matches when any of them holds (Sigma 2.1). */
import { describe } from 'vitest';
import { conditionCases } from '../../../test/support/sigma.js';

describe('condition list', () => {
  conditionCases([
    [['a', 'b'], ['b'], true],
    [['a', 'b'], [], false],
    [['a and b', 'c'], ['a'], false],
    [['a and b', 'c'], ['a', 'b'], true],
    [['a and not b', '1 of sel_*'], ['b', 'sel_1'], true],
    [['a'], ['a'], true],
  ]);
});
