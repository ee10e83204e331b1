/**
 * `re`: the value is a regular expression, matched anywhere in the field and case-sensitively
 * (Sigma 2.1), run on RE2. What RE2 cannot run is refused when the rule loads.
 */
import { describe } from 'vitest';
import { cases, MISSING, refuses } from '../../../test/support/sigma.js';

describe('re', () => {
  cases('f|re', [
    ['\\s-O\\s', 'curl -O http://x', true], // unanchored: anywhere in the value
    ['\\s-O\\s', 'curl -o http://x', false], // case-sensitive
    ['^[A-Za-z0-9]{16}$', 'ABCDEFGH12345678', true],
    ['^[A-Za-z0-9]{16}$', 'ABCDEFGH123456789', false],
    ['(?i)powershell', 'POWERSHELL.EXE', true], // an inline flag
    ['APT\\d', 'APT29', true],
    ['APT\\d', 'apt29', false],
    ['a.c', 'a\nc', false], // . does not match a line break without s
    ['^b', 'a\nb', false], // ^ is the start of the value without m
    ['(.){200,}', 'x'.repeat(200), true],
    ['(.){200,}', 'x'.repeat(199), false],
    ['\\d+', 4624, true], // a number field is matched as its text
    [['^cmd', '^powershell'], 'powershell -nop', true], // a list ORs
    ['x', MISSING, false],
    ['x', ['a', 'bx'], true],
    ['(a+)+$', `${'a'.repeat(5000)}!`, false], // linear time: no catastrophic backtracking
    ['[[:alpha:]]+\\d', 'abc1', true], // RE2 syntax: POSIX classes
    ['\\x{41}', 'A', true],
    ['(?P<name>x)', 'x', true],
  ]);
  refuses([
    [
      'f|re',
      '(?=x)y',
      'RULE_UNSUPPORTED',
      /lookahead or lookbehind assertion, which needs backtracking: RE2 \(linear time\) cannot run it/,
    ],
    ['f|re', '(?<!x)y', 'RULE_UNSUPPORTED', /lookahead or lookbehind/],
    ['f|re', '(a)\\1', 'RULE_UNSUPPORTED', /uses a backreference/],
    ['f|re', '(?>a)', 'RULE_UNSUPPORTED', /atomic group/],
    ['f|re', 'a++', 'RULE_UNSUPPORTED', /RE2 cannot run the regular expression 'a\+\+': invalid nested repetition operator/],
    ['f|re', '\\Z', 'RULE_UNSUPPORTED', /invalid escape sequence/],
    ['f|re', 'a{1001}', 'RULE_UNSUPPORTED', /invalid repeat count/],
    ['f|re', '[a-', 'RULE_INVALID', /invalid regular expression '\[a-': missing closing \]/],
    ['f|re', '(a', 'RULE_INVALID', /missing closing \)/],
    ['f|re', '*a', 'RULE_INVALID', /missing argument to repetition operator/],
    ['f|contains|re', 'a', 'RULE_INVALID', /'re' reads the value as written and must come before 'contains'/],
    ['f|re', null, 'RULE_INVALID', /'re' cannot apply to a null value/],
    ['f|re', true, 'RULE_INVALID', /'re' cannot apply to a boolean/],
  ]);
});
