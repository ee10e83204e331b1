import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { closeEvent, openEvent } from './event-scope.js';
import { firstOfPaths, interpretedFirstOf, pathGetter } from './field-path.js';

describe('pathGetter', () => {
  const cases: [string, unknown, unknown][] = [
    ['a.b.c', { a: { b: { c: 1 } } }, 1],
    ['a.b.c', { 'a.b.c': 2, a: { b: { c: 1 } } }, 2], // a literal dotted key first
    ['a.b.c', { a: { 'b.c': 3, b: { c: 1 } } }, 3],
    ['a.b.c', { 'a.b': { c: 1 } }, undefined], // only the whole rest is tried as a literal key
    ['a.b', { a: { b: null } }, null],
    ['a.b', { a: 'text' }, undefined],
    ['a.b', { a: null }, undefined],
    ['a.0', { a: ['x', 'y'] }, 'x'],
    ['a.constructor', { a: {} }, undefined], // own properties only
    ['a.toString', { a: {} }, undefined],
    ['a.__proto__', { a: {} }, undefined],
    ['__proto__', {}, undefined],
    ['a.constructor', JSON.parse('{"a":{"constructor":9}}'), 9],
    ['a.b"c', { a: { 'b"c': 7 } }, 7], // keys are written into the getter's code: quotes and backslashes stay keys
    ['a.b\\c', { a: { 'b\\c': 8 } }, 8],
    ['a.b\u2028c', { a: { 'b\u2028c': 10 } }, 10],
    ['a..b', { a: { '': { b: 4 } } }, 4],
    ['a.', { a: { '': 5 } }, 5],
    ['x', { x: 6 }, 6],
    ['x', 'not an object', undefined],
  ];
  it.each(cases)('%s of %j → %j', (path, event, want) => {
    const get = pathGetter(path);
    expect(get(event)).toEqual(want);
    // The same inside an event scope.
    const prev = openEvent(event as object);
    expect(get(event)).toEqual(want);
    expect(get(event)).toEqual(want);
    closeEvent(prev);
    // And without code generation, memoized or not.
    expect(interpretedFirstOf([path])(event)).toEqual(want);
    const memo = interpretedFirstOf([path], { memo: true });
    const again = openEvent(event as object);
    expect([memo(event), memo(event)]).toEqual([want, want]);
    closeEvent(again);
  });

  it('interprets several paths, the first present one winning, through map, as the compiled getter does', () => {
    const paths = ['a.x', 'a.b.c', 'd'];
    const map = (v: unknown) => `<${String(v)}>`;
    const events = [{ a: { x: 0 } }, { a: { b: { c: 'c' } }, d: 'd' }, { 'a.b.c': 1 }, { d: null }, { a: { b: 'flat' } }, {}];
    const compiled = firstOfPaths(paths, { map });
    const interpreted = interpretedFirstOf(paths, { map });
    expect(events.map(interpreted)).toEqual(['<0>', '<c>', '<1>', '<null>', undefined, undefined]);
    expect(events.map(interpreted)).toEqual(events.map(compiled));
  });

  it('works in a Node that disallows code generation from strings', () => {
    const module = fileURLToPath(new URL('./field-path.ts', import.meta.url));
    const script = `import { pathGetter } from ${JSON.stringify(module)};
      console.log(JSON.stringify([pathGetter('a.b')({ a: { b: 7 } }), pathGetter('a.constructor')({ a: {} })]));`;
    const out = execFileSync(
      process.execPath,
      ['--disallow-code-generation-from-strings', '--import', 'tsx', '--input-type=module', '-e', script],
      {
        encoding: 'utf8',
      },
    );
    expect(JSON.parse(out)).toEqual([7, null]);
  });

  it('reads the event as it is at each call', () => {
    const a = pathGetter('w.d.A');
    const b = pathGetter('w.d.B');
    const event = { w: { d: { A: 1, B: 2 } } };
    const prev = openEvent(event);
    expect([a(event), b(event)]).toEqual([1, 2]);
    closeEvent(prev);
    event.w = { d: { A: 3, B: 4 } };
    expect([a(event), b(event)]).toEqual([3, 4]);
  });
});
