/** `utf16le`: the value is encoded as UTF-16 little-endian, `cmd` → 63 00 6d 00 64 00 (Sigma 2.1). */
import { describe } from 'vitest';
import { cases, refuses } from '../../../test/support/sigma.js';

const b64 = (bytes: number[]): string => Buffer.from(bytes).toString('base64');

describe('utf16le', () => {
  cases('f|utf16le|base64', [
    ['cmd', b64([0x63, 0, 0x6d, 0, 0x64, 0]), true],
    ['cmd', b64([0, 0x63, 0, 0x6d, 0, 0x64]), false],
    ['é', b64([0xe9, 0]), true], // one UTF-16 unit, not UTF-8
    ['😀', b64([0x3d, 0xd8, 0x00, 0xde]), true], // a surrogate pair
  ]);
  // Without base64, the bytes are matched as characters (one per byte), as pySigma does.
  cases('f|utf16le|contains', [['cmd', 'x c\0m\0d\0 y', true]]);
  refuses([
    ['f|utf16le|utf16le', 'a', 'RULE_INVALID', /modifier 'utf16le' is given twice/],
    ['f|wide|utf16le', 'a', 'RULE_INVALID', /'utf16le': the value is already UTF-16 encoded/],
    ['f|utf16le', null, 'RULE_INVALID', /'utf16le' cannot apply to a null value/],
  ]);
});
