import { afterEach, describe, expect, it } from 'vitest';
import { getField, setField } from './fields.js';

const probe = (): unknown => ({}) as Record<string, unknown>;

afterEach(() => {
  // A failing case must not leak into the next: undo any write that reached Object.prototype.
  delete (Object.prototype as Record<string, unknown>).polluted;
});

describe('setField', () => {
  it('creates objects along a dotted path', () => {
    const o: Record<string, unknown> = { source: { port: 1 } };
    setField(o, 'source.ip', '10.0.0.1');
    expect(o).toEqual({ source: { port: 1, ip: '10.0.0.1' } });
  });

  it.each(['__proto__.polluted', 'a.__proto__.polluted', 'constructor.prototype.polluted', 'a.constructor.prototype.polluted'])(
    'writes %s as data on the object, never through to Object.prototype',
    (path) => {
      const o: Record<string, unknown> = { a: {} };
      setField(o, path, 1);
      expect((probe() as Record<string, unknown>).polluted).toBeUndefined();
      expect(getField(o, path)).toBe(1);
      expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    },
  );

  it('writes a last segment named __proto__ as a field, not as the prototype', () => {
    const o: Record<string, unknown> = {};
    setField(o, 'a.__proto__', { polluted: 1 });
    const a = o.a as Record<string, unknown>;
    expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
    expect(a.polluted).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(a, '__proto__')?.value).toEqual({ polluted: 1 });
  });
});

describe('getField', () => {
  it('reads nested objects and literal dotted keys', () => {
    expect(getField({ source: { ip: '1' } }, 'source.ip')).toBe('1');
    expect(getField({ 'source.ip': '2' }, 'source.ip')).toBe('2');
  });

  it.each(['constructor', '__proto__', 'toString', 'a.constructor', 'a.__proto__.hasOwnProperty'])(
    'finds nothing at %s unless the event has it',
    (path) => {
      expect(getField({ a: {} }, path)).toBeUndefined();
    },
  );
});
