/** `fieldref`: the value names another field; the field must equal that field's value (Sigma 2.1). */
import { describe } from 'vitest';
import { cases, refuses } from '../../../test/support/sigma.js';

const ev = (f: unknown, g: unknown): { event: object } => ({ event: g === undefined ? { f } : { f, g } });

describe('fieldref', () => {
  cases('f|fieldref', [
    ['g', ev('C:\\a.exe', 'C:\\a.exe'), true],
    ['g', ev('C:\\a.exe', 'c:\\A.EXE'), true], // case-insensitive, as values are
    ['g', ev('C:\\a.exe', 'C:\\b.exe'), false],
    ['g', ev('x', undefined), false], // the other field is missing
    ['g', ev(undefined, 'x'), false],
    ['g', ev(5, '5'), true], // compared as text
    ['g', ev('b', ['a', 'b']), true], // any element of either side
    ['g', ev(['a', 'b'], 'b'), true],
    [['g', 'h'], { event: { f: 'x', g: 'y', h: 'x' } }, true], // a list ORs
  ]);
  cases('f.user|fieldref', [['g.user', { event: { f: { user: 'bob' }, g: { user: 'bob' } } }, true]]);
  cases('f|fieldref|contains', [
    ['g', ev('C:\\Users\\bob\\x.exe', 'bob'), true],
    ['g', ev('C:\\Users\\alice\\x.exe', 'bob'), false],
  ]);
  cases('f|fieldref|startswith', [['g', ev('bobby', 'bob'), true]]);
  cases('f|fieldref|endswith', [
    ['g', ev('xbob', 'bob'), true],
    ['g', ev('bobx', 'bob'), false],
  ]);
  refuses([
    ['f|fieldref', 'g*', 'RULE_INVALID', /'fieldref' takes a field name, without wildcards/],
    ['f|contains|fieldref', 'g', 'RULE_INVALID', /'fieldref' takes a field name, without wildcards/],
    ['f|fieldref', null, 'RULE_INVALID', /'fieldref' cannot apply to a null value/],
    ['|fieldref', 'g', 'RULE_INVALID', /'fieldref' needs a field/],
  ]);
});
