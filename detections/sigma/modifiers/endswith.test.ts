/** `endswith`: the value is expected at the end of the field (Sigma 2.1: replaces '*\cmd.exe'). */
import { describe } from 'vitest';
import { cases, MISSING, refuses } from '../../../test/support/sigma.js';

describe('endswith', () => {
  cases('f|endswith', [
    ['\\cmd.exe', 'C:\\Windows\\System32\\cmd.exe', true],
    ['\\CMD.EXE', 'C:\\Windows\\System32\\cmd.exe', true],
    ['\\cmd.exe', 'C:\\Windows\\System32\\cmd.exe.bak', false],
    ['\\cmd.exe', 'C:\\Windows\\System32\\xcmd.exe', false],
    [['\\sh', '\\bash'], 'C:\\tools\\bash', true],
    ['/bash', '/bin/bash -i', false],
    ['.?ll', 'kernel32.dll', true],
    ['x', MISSING, false],
  ]);
  cases('f|re|endswith', [
    ['\\.exe', 'evil.exe', true],
    ['\\.exe', 'evil.exe.txt', false],
  ]);
  refuses([['f|endswith', null, 'RULE_INVALID', /'endswith' cannot apply to a null value/]]);
});
