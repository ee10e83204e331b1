import { describe, expect, it } from 'vitest';
import { windowsArgv } from './sysmon.js';

describe('windowsArgv (Sysmon process.args)', () => {
  // Microsoft's "Parsing C command-line arguments" examples, and the pre-2008 `""` rule.
  it.each<[string, string[]]>([
    ['"a b c" d e', ['a b c', 'd', 'e']],
    ['"ab\\"c" "\\\\" d', ['ab"c', '\\', 'd']],
    ['a\\\\\\b d"e f"g h', ['a\\\\\\b', 'de fg', 'h']],
    ['a\\\\\\"b c d', ['a\\"b', 'c', 'd']],
    ['a\\\\\\\\"b c" d e', ['a\\\\b c', 'd', 'e']],
    ['"a""b c"', ['a"b', 'c']],
    ['  powershell.exe\t-nop  -enc SQBFAFgA  ', ['powershell.exe', '-nop', '-enc', 'SQBFAFgA']],
    ['"C:\\Program Files\\x.exe" /q', ['C:\\Program Files\\x.exe', '/q']],
    ['', []],
  ])('%j → %j', (line, args) => {
    expect(windowsArgv(line)).toEqual(args);
  });
});
