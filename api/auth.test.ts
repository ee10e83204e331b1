import { describe, expect, it } from 'vitest';
import { TokenTable, allows, sha256Hex } from './auth.js';

const table = new TokenTable([
  { name: 'ann', role: 'analyst', sha256: sha256Hex('ann-token-0123456789') },
  // Colons and capitals as `openssl` prints them are accepted too.
  {
    name: 'rob',
    role: 'responder',
    sha256: sha256Hex('rob-token-0123456789')
      .toUpperCase()
      .replace(/(..)(?!$)/g, '$1:'),
  },
]);
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

describe('TokenTable', () => {
  it('finds the caller of a known token', () => {
    expect(table.authenticate(bearer('ann-token-0123456789'))).toEqual({ name: 'ann', role: 'analyst' });
    expect(table.authenticate(bearer('rob-token-0123456789'))).toEqual({ name: 'rob', role: 'responder' });
  });

  it.each([
    ['no header', {}],
    ['another scheme', { authorization: 'Basic YW5uOng=' }],
    ['an unknown token', bearer('ann-token-012345678')],
    ['the hash itself', bearer(sha256Hex('ann-token-0123456789'))],
  ])('refuses %s with API_UNAUTHENTICATED', (_what, headers) => {
    expect(() => table.authenticate(headers)).toThrow(expect.objectContaining({ code: 'API_UNAUTHENTICATED' }));
  });

  it('refuses every token when none is configured', () => {
    expect(() => new TokenTable([]).authenticate(bearer('anything'))).toThrow(expect.objectContaining({ code: 'API_UNAUTHENTICATED' }));
  });
});

describe('roles', () => {
  it('each role may do what the roles below it may, and no more', () => {
    expect(allows('viewer', 'viewer')).toBe(true);
    expect(allows('viewer', 'analyst')).toBe(false);
    expect(allows('analyst', 'responder')).toBe(false);
    expect(allows('responder', 'analyst')).toBe(true);
    expect(allows('admin', 'responder')).toBe(true);
  });
});
