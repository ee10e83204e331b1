/** `1 of them` / `all of them`: every search identifier, except those starting with `_` (Sigma 2.1). */
import { describe } from 'vitest';
import { conditionCases } from '../../../test/support/sigma.js';

const all = ['a', 'b', 'c', 'sel_1', 'sel_2', 'filter_x', 'filter_y'];

describe('them', () => {
  conditionCases([
    ['1 of them', ['c'], true],
    ['1 of them', [], false],
    ['1 of them', ['_hidden'], false], // _hidden is not part of them
    ['all of them', all, true],
    ['all of them', all.slice(1), false],
    ['all of them', [...all, '_hidden'], true],
    ['all of them', all, true], // _hidden need not hold
  ]);
});
