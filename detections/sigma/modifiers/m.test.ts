/** `m`: sub-modifier of `re`, `^` and `$` match at the start and end of each line (Sigma 2.1). */
import { describe } from 'vitest';
import { cases, refuses } from '../../../test/support/sigma.js';

describe('m', () => {
  cases('f|re|m', [
    ['^whoami$', 'cd /tmp\nwhoami\nid', true],
    ['^id', 'cd /tmp\nid', true],
  ]);
  cases('f|re', [['^whoami$', 'cd /tmp\nwhoami\nid', false]]); // without m
  cases('f|re|m|startswith', [['id', 'cd\nid', false]]); // startswith anchors at the start of the value, not of a line
  cases('f|re|multiline', [['^b', 'a\nb', true]]);
  refuses([['f|m', 'a', 'RULE_INVALID', /'m' is a flag of 're'/]]);
});
