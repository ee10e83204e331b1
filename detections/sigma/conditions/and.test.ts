/** `and`: both sides hold (Sigma 2.1 condition). */
import { describe } from 'vitest';
import { conditionCases } from '../../../test/support/sigma.js';

describe('and', () => {
  conditionCases([
    ['a and b', ['a', 'b'], true],
    ['a and b', ['a'], false],
    ['a and b', ['b'], false],
    ['a and b', [], false],
    ['a and b and c', ['a', 'b', 'c'], true],
    ['a and b and c', ['a', 'b'], false],
    ['a AND b', ['a', 'b'], true], // keywords are case-insensitive
    ['a and a', ['a'], true],
  ]);
});
