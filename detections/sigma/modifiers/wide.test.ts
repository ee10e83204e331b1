/** `wide`: an alias of `utf16le` (Sigma 2.1). */
import { describe } from 'vitest';
import { cases, refuses } from '../../../test/support/sigma.js';

const b64 = (bytes: number[]): string => Buffer.from(bytes).toString('base64');

describe('wide', () => {
  cases('f|wide|base64', [
    ['cmd', b64([0x63, 0, 0x6d, 0, 0x64, 0]), true],
    ['cmd', b64([0, 0x63, 0, 0x6d, 0, 0x64]), false],
  ]);
  cases('f|wide|base64offset|contains', [['spinstall0.aspx', Buffer.from('x spinstall0.aspx', 'utf16le').toString('base64'), true]]);
  refuses([['f|wide', null, 'RULE_INVALID', /'wide' cannot apply to a null value/]]);
});
