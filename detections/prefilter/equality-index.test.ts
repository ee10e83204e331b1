import { describe, expect, it } from 'vitest';
import { fieldKeys } from '../pipelines/logsource.js';
import { EqualityIndex } from './equality-index.js';

const KEYS = ['n:4624', 'n:0', 'n:1.5', 'n:-3', 'b:true', 'b:false', 's:true', 's:false', 's:4624', 's:abc'];

/** The ids `fieldKeys` finds for the value: what the index must report. */
function byFieldKeys(keys: ReadonlyMap<string, number>, v: unknown): number[] {
  const out: string[] = [];
  fieldKeys(v, out);
  return [...new Set(out.map((k) => keys.get(k)).filter((id): id is number => id !== undefined))].sort((a, b) => a - b);
}

function collected(index: EqualityIndex, v: unknown): number[] {
  const hits: number[] = [];
  index.collect(v, new Uint32Array(KEYS.length), 1, hits);
  return hits.sort((a, b) => a - b);
}

describe('EqualityIndex', () => {
  const keys = new Map(KEYS.map((k, i) => [k, i]));
  const index = new EqualityIndex(keys);

  it.each([
    ['4624', [0, 8]],
    [' 4624.0 ', [0]],
    [4624, [0, 8]],
    [-0, [1]],
    ['-0', [1]],
    ['1.50', [2]],
    ['-3e0', [3]],
    [true, [4, 6]],
    ['TRUE', [6]],
    [false, [5, 7]],
    ['ABC', [9]],
    [
      ['x', 4624, 'False'],
      [0, 7, 8],
    ],
    [null, []],
    [{ a: 4624 }, []],
    [Number.NaN, []],
    ['1e999', []],
  ] as [unknown, number[]][])('%j → %j', (v, want) => {
    expect(collected(index, v)).toEqual(want);
  });

  it('finds what fieldKeys keys, on many values', () => {
    const values: unknown[] = [];
    for (const n of [0, -0, 1, 1.5, -3, 4624, 1e21, 2 ** 53, Number.NaN, Infinity]) values.push(n, String(n), ` ${n} `, `${n}.0`);
    values.push(true, false, 'True', 'false', 'abc', 'ABC', 10n, '', ' ', '+4624', '.5', '4624x', [1, 'true', null], [], [[4624]]);
    for (const v of values) expect(collected(index, v), String(v)).toEqual(byFieldKeys(keys, v));
  });

  it('reports an id once per stamp', () => {
    const hits: number[] = [];
    const seen = new Uint32Array(KEYS.length);
    index.collect([4624, '4624'], seen, 1, hits);
    index.collect(4624, seen, 1, hits);
    expect(hits.sort((a, b) => a - b)).toEqual([0, 8]);
  });

  it('rejects a key of no known kind', () => {
    expect(() => new EqualityIndex(new Map([['x:1', 0]]))).toThrow();
  });
});
