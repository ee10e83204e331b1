/** `all of <pattern>`: every search identifier matching the pattern holds (Sigma 2.1 condition). */
import { describe } from 'vitest';
import { conditionCases } from '../../../test/support/sigma.js';

describe('all of', () => {
  conditionCases([
    ['all of sel_*', ['sel_1', 'sel_2'], true],
    ['all of sel_*', ['sel_1'], false],
    ['all of filter_*', ['filter_x', 'filter_y'], true],
    ['all of sel_* and not 1 of filter_*', ['sel_1', 'sel_2'], true],
    ['all of sel_* and not 1 of filter_*', ['sel_1', 'sel_2', 'filter_y'], false],
    ['ALL OF sel_*', ['sel_1', 'sel_2'], true],
  ]);
});
