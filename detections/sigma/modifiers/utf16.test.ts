/** `utf16`: a byte order mark then UTF-16 (little-endian), `cmd` → FF FE 63 00 6d 00 64 00 (Sigma 2.1). */
import { describe } from 'vitest';
import { cases, refuses } from '../../../test/support/sigma.js';

const b64 = (bytes: number[]): string => Buffer.from(bytes).toString('base64');

describe('utf16', () => {
  cases('f|utf16|base64', [
    ['cmd', b64([0xff, 0xfe, 0x63, 0, 0x6d, 0, 0x64, 0]), true],
    ['cmd', b64([0x63, 0, 0x6d, 0, 0x64, 0]), false],
  ]);
  cases('f|utf16|base64offset|contains', [['cmd', b64([0xff, 0xfe, 0x63, 0, 0x6d, 0, 0x64, 0, 0x20, 0]), true]]);
  refuses([['f|utf16le|utf16', 'a', 'RULE_INVALID', /'utf16': the value is already UTF-16 encoded/]]);
});
