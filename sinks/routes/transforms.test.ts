import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  compileTransforms,
  dropFields,
  hashFields,
  keepFields,
  redactFields,
  renameFields,
  truncateFields,
  REDACTED,
} from './transforms.js';

const event = () => ({
  '@timestamp': '2025-01-01T00:00:00.000Z',
  message: 'Failed password for root',
  source: { ip: '10.0.0.1', port: 40000 },
  user: { name: 'alice', email: 'alice@example.com' },
  'host.name': 'web-1', // a literal dotted key, as some producers write them
  vigil: { id: 'ev-1' },
});

describe('route transforms', () => {
  it('keep projects to the listed fields and their subfields only', () => {
    expect(keepFields(['source.ip', 'user', 'host.name', 'absent.field'])(event())).toEqual({
      source: { ip: '10.0.0.1' },
      user: { name: 'alice', email: 'alice@example.com' },
      host: { name: 'web-1' },
    });
  });

  it('drop removes nested and literal dotted fields, and leaves the rest', () => {
    const d = dropFields(['user.email', 'host.name', 'nope'])(event());
    expect(d.user).toEqual({ name: 'alice' });
    expect(d).not.toHaveProperty(['host.name']);
    expect(d.source).toEqual({ ip: '10.0.0.1', port: 40000 });
  });

  it('rename moves a value to its new path and does not invent absent ones', () => {
    const d = renameFields({ 'source.ip': 'src', 'missing.x': 'y' })(event());
    expect(d.src).toBe('10.0.0.1');
    expect(d.source).toEqual({ port: 40000 });
    expect(d).not.toHaveProperty('y');
  });

  it('redact replaces present fields only', () => {
    const d = redactFields(['user.email', 'user.phone'])(event());
    expect((d.user as Record<string, unknown>).email).toBe(REDACTED);
    expect(d.user).not.toHaveProperty('phone');
  });

  it('hash is HMAC-SHA256 under the secret: stable, secret-dependent, element-wise on arrays', () => {
    const secret = 'a-secret-of-16+chars';
    const expected = createHmac('sha256', secret).update('alice').digest('hex');
    const a = hashFields(['user.name'], secret)(event());
    expect((a.user as Record<string, unknown>).name).toBe(expected);
    const other = hashFields(['user.name'], 'another-secret-16chars')(event());
    expect((other.user as Record<string, unknown>).name).not.toBe(expected);
    const arr = hashFields(['ips'], secret)({ ips: ['1.1.1.1', '2.2.2.2'] });
    expect(arr.ips).toEqual(['1.1.1.1', '2.2.2.2'].map((v) => createHmac('sha256', secret).update(v).digest('hex')));
    expect(hashFields(['port'], secret)({ port: 22 }).port).toBe(createHmac('sha256', secret).update('22').digest('hex'));
  });

  it('truncate cuts long strings, never halves a surrogate pair, and says which fields it cut', () => {
    const d = truncateFields({ message: 6, 'user.name': 100 })(event());
    expect(d.message).toBe('Failed');
    expect((d.vigil as Record<string, unknown>).truncated).toEqual(['message']);
    const emoji = truncateFields({ m: 2 })({ m: 'a😀b' });
    expect(emoji.m).toBe('a');
    expect(truncateFields({ m: 10 })({ m: 'short' })).toEqual({ m: 'short' });
  });

  it('compileTransforms applies keep, drop, rename, redact, hash, truncate in that order, and nothing when unset', () => {
    expect(compileTransforms({})).toBeUndefined();
    const t = compileTransforms({
      keep: ['user', 'message', 'source'],
      drop: ['source.port'],
      rename: { 'source.ip': 'client.ip' },
      redact: ['user.email'],
      hash: { fields: ['user.name'], secret: 'a-secret-of-16+chars' },
      truncate: { message: 4 },
    });
    const d = t?.(event());
    expect(d).toEqual({
      message: 'Fail',
      user: { name: createHmac('sha256', 'a-secret-of-16+chars').update('alice').digest('hex'), email: REDACTED },
      source: {},
      client: { ip: '10.0.0.1' },
      vigil: { truncated: ['message'] },
    });
  });
});
