import { describe, expect, it } from 'vitest';
import { withHecDefaults } from './config.js';
import { TokenTable } from './tokens.js';

const A = '6f1c2b9e-3d4a-4e8b-9c21-0a7f5d3e2b10';
const B = 'c0ffee00-1234-4abc-8def-9876543210ab';
const cfg = withHecDefaults({ id: 'hec', port: 0, tokens: [{ token: A, name: 'apps' }, { token: B }] });

describe('HEC token table', () => {
  const table = new TokenTable(cfg);

  it('finds the token a request presents, with its printable label', () => {
    expect(table.find(A)).toMatchObject({ token: A, label: 'apps' });
    expect(table.find(B)).toMatchObject({ token: B, label: 'tokens[1]' });
  });

  it.each([
    ['empty', ''],
    ['a prefix', A.slice(0, 8)],
    ['the token and more', `${A}0`],
    ['another case', A.toUpperCase()],
    ['both tokens joined', `${A}${B}`],
  ])('finds nothing for %s', (_what, value) => {
    expect(table.find(value)).toBeUndefined();
  });

  it('refuses two tokens with the same value, located at the second', () => {
    expect(() => new TokenTable(withHecDefaults({ id: 'hec', port: 0, tokens: [{ token: A }, { token: A }] }))).toThrow(
      expect.objectContaining({ code: 'CONFIG_DUPLICATE_ID', location: { path: 'inputs.hec.tokens[1].token' } }),
    );
  });
});
