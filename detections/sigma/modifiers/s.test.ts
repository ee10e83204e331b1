/** `s`: sub-modifier of `re`, `.` matches a line break too (Sigma 2.1). */
import { describe } from 'vitest';
import { cases, refuses } from '../../../test/support/sigma.js';

describe('s', () => {
  cases('f|re|s', [
    ['begin.*end', 'begin\nmiddle\nend', true],
    ['a.c', 'a\nc', true],
  ]);
  cases('f|re', [['begin.*end', 'begin\nmiddle\nend', false]]); // without s
  cases('f|re|i|s', [['A.C', 'a\nc', true]]); // flags combine
  cases('f|re|dotall', [['a.c', 'a\nc', true]]);
  refuses([
    ['f|s', 'a', 'RULE_INVALID', /'s' is a flag of 're'/],
    ['f|re|s|s', 'a', 'RULE_INVALID', /modifier 's' is given twice/],
  ]);
});
