/** `cased`: values are matched case-sensitively (Sigma's default is case-insensitive). */
import { describe } from 'vitest';
import { cases, refuses } from '../../../test/support/sigma.js';

describe('cased', () => {
  cases('f|cased', [
    ['PowerShell', 'PowerShell', true],
    ['PowerShell', 'powershell', false],
    ['Power*', 'PowerShell', true],
    ['Power*', 'powerShell', false],
    [['A', 'b'], 'b', true],
  ]);
  cases('f|cased|contains', [
    ['Invoke-', 'x Invoke-Mimikatz', true],
    ['Invoke-', 'x invoke-mimikatz', false],
  ]);
  cases('f|contains|cased', [['Invoke-', 'x invoke-x', false]]); // either order
  cases('f|cased|startswith', [
    ['HKLM', 'HKLM\\Software', true],
    ['HKLM', 'hklm\\software', false],
  ]);
  cases('f|cased|endswith', [
    ['.EXE', 'A.EXE', true],
    ['.EXE', 'a.exe', false],
  ]);
  cases('f|windash|cased|contains', [
    ['-Enc', 'ps /Enc x', true],
    ['-Enc', 'ps /enc x', false],
  ]);
  cases('f|fieldref|cased', [
    ['g', { event: { f: 'Admin', g: 'Admin' } }, true],
    ['g', { event: { f: 'Admin', g: 'admin' } }, false],
  ]);
  refuses([
    ['f|re|cased', 'a', 'RULE_INVALID', /'cased' does not apply to a regular expression/],
    ['f|cased', null, 'RULE_INVALID', /'cased' cannot apply to a null value/],
  ]);
});
