/** `utf16be`: the value is encoded as UTF-16 big-endian, `cmd` → 00 63 00 6d 00 64 (Sigma 2.1). */
import { describe } from 'vitest';
import { cases, refuses } from '../../../test/support/sigma.js';

const b64 = (bytes: number[]): string => Buffer.from(bytes).toString('base64');

describe('utf16be', () => {
  cases('f|utf16be|base64', [
    ['cmd', b64([0, 0x63, 0, 0x6d, 0, 0x64]), true],
    ['cmd', b64([0x63, 0, 0x6d, 0, 0x64, 0]), false],
  ]);
  refuses([['f|utf16|utf16be', 'a', 'RULE_INVALID', /'utf16be': the value is already UTF-16 encoded/]]);
});
