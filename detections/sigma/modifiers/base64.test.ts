/** `base64`: the value is matched in its Base64 encoding (Sigma 2.1). */
import { describe } from 'vitest';
import { cases, refuses } from '../../../test/support/sigma.js';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

describe('base64', () => {
  cases('f|base64', [
    ['cmd', 'Y21k', true],
    ['cmd', 'y21k', true], // values are case-insensitive, encoded ones too
    ['cmd', b64('cmd.exe'), false], // the whole value
  ]);
  cases('f|base64|cased', [['cmd', 'y21k', false]]);
  cases('f|base64|contains', [
    ['spinstall0.aspx', `x ${b64('spinstall0.aspx')} y`, true],
    ['http:/', b64('http://evil'), true], // six bytes: no padding, a prefix of the longer encoding
    ['http:/', b64('a http://evil'), false], // at another offset the encoding differs: see base64offset
    ['http://', b64('http://evil'), false], // padded ('aHR0cDovLw=='), so never inside a longer text
    ['é', b64('café'), true], // UTF-8 bytes
  ]);
  cases('f|windash|base64', [
    ['-e', b64('-e'), true],
    ['-e', b64('/e'), true],
  ]);
  refuses([
    ['f|base64', 'a*b', 'RULE_INVALID', /'base64' cannot encode a value with wildcards/],
    ['f|contains|base64', 'ab', 'RULE_INVALID', /'base64' cannot encode a value with wildcards/],
    ['f|base64', null, 'RULE_INVALID', /'base64' cannot apply to a null value/],
  ]);
});
