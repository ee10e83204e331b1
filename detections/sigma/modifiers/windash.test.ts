/**
 * `windash`: a flag dash matches `-`, `/`, `–` (en dash), `—` (em dash) and `―` (horizontal bar)
 * (Sigma 2.1). As pySigma, only a dash that starts a flag (after a non-word character, before a
 * word character) is permuted.
 */
import { describe } from 'vitest';
import { cases, refuses } from '../../../test/support/sigma.js';

describe('windash', () => {
  cases('f|windash|contains', [
    [' -enc ', 'powershell -enc SQBFAFgA', true],
    [' -enc ', 'powershell /enc SQBFAFgA', true],
    [' -enc ', 'powershell \u2013enc SQBFAFgA', true],
    [' -enc ', 'powershell \u2014enc SQBFAFgA', true],
    [' -enc ', 'powershell \u2015enc SQBFAFgA', true],
    [' -enc ', 'powershell +enc SQBFAFgA', false],
    [' -enc ', 'powershell -ENC x', true], // still case-insensitive
    [' /s ', 'reg query /s x', true],
    [' /s ', 'reg query -s x', true],
    ['-a -b', 'x /a \u2013b', true], // every flag dash, independently
    ['-a -b', 'x /a b', false],
    ['a-b', 'a/b', false], // not a flag: kept as written
    ['a-b', 'a-b', true],
    ['--help', 'x --help', true], // the second dash starts the word: /-help also matches
    ['--help', 'x -/help', true],
    ['-*-x', 'x -abc/x', true], // a dash right after a wildcard starts a flag
    ['-*-x', 'x /abc-x', false], // the first dash stands alone: kept as written
  ]);
  cases('f|contains|windash', [[' -enc ', 'ps /enc x', true]]); // either order
  cases('f|windash', [
    ['-s', '/s', true],
    ['-s', 'x /s', false], // without contains: the whole value
  ]);
  cases('f|endswith|windash', [
    [' -k', 'svchost.exe /k', true],
    [' -k', 'svchost.exe /k x', false],
  ]);
  refuses([['f|windash', null, 'RULE_INVALID', /'windash' cannot apply to a null value/]]);
});
