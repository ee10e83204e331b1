/** `gte`: the field is greater than or equal to the value (Sigma 2.1 numeric modifiers). */
import { describe } from 'vitest';
import { cases, refuses } from '../../../test/support/sigma.js';

describe('gte', () => {
  cases('f|gte', [
    [50, 50, true],
    [50, 49.9, false],
    [50, '51', true],
    [50, ['1', '2'], false],
    [50, { event: { f: { score: 90 } } }, false], // an object is not a number
  ]);
  cases('f.score|gte', [[50, { event: { f: { score: 90 } } }, true]]);
  refuses([['f|gte', [], 'RULE_INVALID', /value list cannot be empty/]]);
});
