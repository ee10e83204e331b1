/** `or`: either side holds (Sigma 2.1 condition). */
import { describe } from 'vitest';
import { conditionCases } from '../../../test/support/sigma.js';

describe('or', () => {
  conditionCases([
    ['a or b', ['a'], true],
    ['a or b', ['b'], true],
    ['a or b', ['a', 'b'], true],
    ['a or b', [], false],
    ['a or b or c', ['c'], true],
    ['a Or b', ['b'], true],
  ]);
});
