/**
 * `base64offset`: the value as it appears in Base64 at any byte offset of a longer encoded text:
 * three forms, the characters that do not depend on neighbouring bytes (Sigma 2.1).
 */
import { describe, expect, it } from 'vitest';
import { base64Offsets } from './encoding.js';
import { cases, refuses } from '../../../test/support/sigma.js';

const b64 = (s: string | Buffer): string => (typeof s === 'string' ? Buffer.from(s, 'utf8') : s).toString('base64');

describe('base64offset', () => {
  it('gives the three offset forms (pySigma test values)', () => {
    expect(base64Offsets(Buffer.from('foobar'))).toEqual(['Zm9vYmFy', 'Zvb2Jhc', 'mb29iYX']);
  });

  // Whatever precedes the value in the encoded text, one form appears in it.
  const text = 'IEX (New-Object Net.Webclient).DownloadString';
  const events = ['', 'a', 'ab', 'abc', 'powershell -c '].map((prefix) => b64(`${prefix}${text}(x)`));
  cases(
    'f|base64offset|contains',
    events.map((e): [string, string, boolean] => [text, `-enc ${e}`, true]),
  );
  cases('f|base64offset|contains', [
    ['::FromBase64String', b64('[Convert]::FromBase64String($x)'), true],
    ['::FromBase64String', b64('[Convert]::ToBase64String($x)'), false],
    [['foo', 'bar'], b64('xxbar'), true],
  ]);
  // UTF-16LE text (PowerShell -EncodedCommand) with wide.
  const wide = (s: string): string => b64(Buffer.from(s, 'utf16le'));
  cases('f|wide|base64offset|contains', [
    ['spinstall0.aspx', `powershell -enc ${wide('copy x C:\\spinstall0.aspx')}`, true],
    ['spinstall0.aspx', `powershell -enc ${wide('copy x C:\\other.aspx')}`, false],
    ['spinstall0.aspx', `powershell -enc ${b64('copy x C:\\spinstall0.aspx')}`, false], // UTF-8, not UTF-16
  ]);
  cases('f|utf16le|base64offset|contains', [['whoami', wide('cmd /c whoami /all'), true]]);
  cases('f|utf16be|base64offset|contains', [['whoami', b64(Buffer.from('\0c\0m\0d\0 \0w\0h\0o\0a\0m\0i', 'latin1')), true]]);
  refuses([
    ['f|base64offset|contains', 'a*b', 'RULE_INVALID', /'base64offset' cannot encode a value with wildcards/],
    ['f|base64offset|contains', 'a', 'RULE_INVALID', /'base64offset' needs a value of at least two bytes/],
  ]);
});
