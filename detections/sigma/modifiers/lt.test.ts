/** `lt`: the field is less than the value (Sigma 2.1 numeric modifiers). */
import { describe } from 'vitest';
import { cases, MISSING, refuses } from '../../../test/support/sigma.js';

describe('lt', () => {
  cases('f|lt', [
    [10, 9, true],
    [10, 10, false],
    [10, 11, false],
    [10, -5, true],
    [10, '9', true], // a numeric string is compared as a number
    [10, ' 9.5 ', true],
    [10, 'nine', false], // not a number: no comparison holds
    [10, '', false],
    [10, MISSING, false],
    [10, null, false],
    [10, [50, 3], true], // any element
    [0.5, 0.25, true],
    ['10', 9, true], // the rule may write the number as a string
  ]);
  refuses([
    ['f|lt', 'ten', 'RULE_INVALID', /'lt' needs a number/],
    ['f|lt', null, 'RULE_INVALID', /'lt' cannot apply to a null value/],
    ['f|contains|lt', 5, 'RULE_INVALID', /'lt' needs a number/],
    ['f|lt|gt', 5, 'RULE_INVALID', /'gt' cannot apply to a comparison/],
  ]);
});
