/** `startswith`: the value is expected at the beginning of the field (Sigma 2.1: replaces 'adm*'). */
import { describe } from 'vitest';
import { cases, MISSING, refuses } from '../../../test/support/sigma.js';

describe('startswith', () => {
  cases('f|startswith', [
    ['/usr/bin/', '/usr/bin/curl', true],
    ['/USR/BIN/', '/usr/bin/curl', true],
    ['/usr/bin/', 'x /usr/bin/curl', false],
    ['/usr/bin/', '/usr/bin/', true],
    ['/usr/bin/', '/usr/bi', false],
    [['/bin/', '/usr/bin/'], '/bin/sh', true],
    ['/usr/*/curl', '/usr/local/bin/curl -s', true],
    ['adm_', 'ADM_backup', true],
    [10, '10.1.2.3', true],
    ['x', MISSING, false],
  ]);
  // On a regex: anchored at the start of the value.
  cases('f|re|startswith', [
    ['b+c', 'bbcd', true],
    ['b+c', 'abbc', false],
    ['a|b', 'ba', true], // alternatives are grouped before anchoring
    ['a|b', 'cb', false],
  ]);
  refuses([
    ['f|startswith', null, 'RULE_INVALID', /'startswith' cannot apply to a null value/],
    ['f|gt|startswith', 5, 'RULE_INVALID', /'startswith' cannot apply to a comparison/],
  ]);
});
