import { describe, expect, it } from 'vitest';
import { REDACTED, isSensitiveKey, redactSensitiveKeys } from './redact.js';

describe('isSensitiveKey', () => {
  it.each([
    'authorization',
    'Authorization',
    'proxy-authorization',
    'cookie',
    'Set-Cookie',
    'password',
    'db_password',
    'passwd',
    'token',
    'accessToken',
    'refresh_token',
    'apiKey',
    'api_key',
    'X-Api-Key',
    'client_secret',
    'privateKey',
    'credentials',
  ])('%s is a credential', (key) => expect(isSensitiveKey(key)).toBe(true));
  it.each(['user', 'name', 'tokens', 'token_count', 'max_tokens', 'status', 'body', 'path', 'secretary_name', 'accept'])(
    '%s is not',
    (key) => expect(isSensitiveKey(key)).toBe(false),
  );
});

describe('redactSensitiveKeys', () => {
  it('replaces credential fields at any depth, whole, and leaves the input alone', () => {
    const input = {
      status: 200,
      body: { session: { token: 't-1', user: 'u' }, items: [{ password: 'p', id: 1 }], credentials: { user: 'a', pw: 'b' } },
      headers: { authorization: 'Bearer x' },
      has_password: true,
      secret: null,
    };
    expect(redactSensitiveKeys(input)).toEqual({
      status: 200,
      body: { session: { token: REDACTED, user: 'u' }, items: [{ password: REDACTED, id: 1 }], credentials: REDACTED },
      headers: { authorization: REDACTED },
      has_password: true,
      secret: null,
    });
    expect(input.body.session.token).toBe('t-1');
  });

  it('returns scalars as they are', () => {
    expect(redactSensitiveKeys('token')).toBe('token');
    expect(redactSensitiveKeys(5)).toBe(5);
  });
});
