/**
 * `neq`: the field differs from the values (Sigma 2.1: strings or numbers, and with fieldref).
 * As pySigma, the item is negated: different from every value, and a missing field differs.
 */
import { describe } from 'vitest';
import { cases, MISSING } from '../../../test/support/sigma.js';

describe('neq', () => {
  cases('f|neq', [
    ['admin', 'root', true],
    ['admin', 'admin', false],
    ['admin', 'ADMIN', false], // case-insensitive, as equality is
    [['admin', 'root'], 'root', false], // different from every value
    [['admin', 'root'], 'bob', true],
    [4624, 4625, true],
    [4624, 4624, false],
    [4624, '4624', false],
    ['admin', MISSING, true],
    [null, MISSING, false], // not null: the field has a value
    [null, 'x', true],
  ]);
  cases('f|contains|neq', [
    ['temp', 'C:\\Windows\\x.exe', true],
    ['temp', 'C:\\Temp\\x.exe', false],
  ]);
  cases('f|neq|fieldref', [
    ['g', { event: { f: 'a', g: 'b' } }, true],
    ['g', { event: { f: 'a', g: 'A' } }, false],
  ]);
  cases('f|gt|neq', [
    [10, 5, true], // not greater than 10
    [10, 50, false],
  ]);
});
