/** `1 of <pattern>`: any search identifier matching the pattern holds (Sigma 2.1 condition). */
import { describe } from 'vitest';
import { conditionCases } from '../../../test/support/sigma.js';

describe('1 of', () => {
  conditionCases([
    ['1 of sel_*', ['sel_2'], true],
    ['1 of sel_*', ['a'], false],
    ['1 of sel_*', ['sel_1', 'sel_2'], true],
    ['1 of filter_*', ['filter_x'], true],
    ['1 of *_x', ['filter_x'], true],
    ['1 of a', ['a'], true], // a plain name is a pattern of one
    ['1 of _*', ['_hidden'], true], // an explicit pattern may name _identifiers
    ['a and not 1 of filter_*', ['a'], true],
    ['a and not 1 of filter_*', ['a', 'filter_x'], false],
  ]);
});
