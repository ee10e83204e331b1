/** `gt`: the field is greater than the value (Sigma 2.1 numeric modifiers). */
import { describe, expect, it } from 'vitest';
import { compileDetection } from '../detection.js';
import { cases, refuses } from '../../../test/support/sigma.js';

describe('gt', () => {
  cases('f|gt', [
    [1000, 1001, true],
    [1000, 1000, false],
    [1000, '5000', true],
    [1000, '0x2000', false], // only decimal text is a number
    [1000, '1e4', true],
    [-1, 0, true],
  ]);
  it('with gte/lt in two items of one map: a range', () => {
    const m = compileDetection({ sel: { 'f|gte': 1024, 'f|lt': 49152 }, condition: 'sel' }, { file: 't' });
    expect([m({ f: 80 }), m({ f: 1024 }), m({ f: 8080 }), m({ f: 49152 })]).toEqual([false, true, true, false]);
  });
  refuses([['f|gt', '>5', 'RULE_INVALID', /'gt' needs a number/]]);
});
