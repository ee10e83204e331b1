/** `i`: sub-modifier of `re`, case-insensitive matching (Sigma 2.1). */
import { describe } from 'vitest';
import { cases, refuses } from '../../../test/support/sigma.js';

describe('i', () => {
  cases('f|re|i', [
    ['^C:\\\\Users\\\\[^\\\\]+\\\\NTUSER\\.DAT$', 'c:\\users\\bob\\ntuser.dat', true],
    ['powershell', 'PowerShell', true],
    ['powershell', 'pwsh', false],
  ]);
  cases('f|re|ignorecase', [['abc', 'ABC', true]]); // pySigma's long name
  refuses([
    ['f|i', 'a', 'RULE_INVALID', /'i' is a flag of 're' and must come after it/],
    ['f|i|re', 'a', 'RULE_INVALID', /'i' is a flag of 're' and must come after it/],
    ['f|contains|i', 'a', 'RULE_INVALID', /'i' is a flag of 're'/],
  ]);
});
