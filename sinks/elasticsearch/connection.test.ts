import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isVigilError } from '../../core/errors/index.js';
import { resolveConnection, type ConnectionOptions } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-es-conn-'));
const caFile = join(dir, 'ca.pem');
writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FP = 'AB:'.repeat(31) + 'AB';
const https = { node: 'https://es.example.com:9200' };

function problem(cfg: ConnectionOptions): { code: string; message: string } {
  try {
    resolveConnection(cfg);
  } catch (err) {
    if (isVigilError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('resolveConnection accepted the config');
}

describe('resolveConnection', () => {
  it.each([
    [
      'both caFile and caFingerprint',
      { ...https, tls: { caFile, caFingerprint: FP, rejectUnauthorized: true } },
      'CONFIG_CONFLICT',
      /not both/,
    ],
    ['a CA with rejectUnauthorized off', { ...https, tls: { caFile, rejectUnauthorized: false } }, 'CONFIG_CONFLICT', /turns off/],
    ['a CA for an http:// node', { node: 'http://es:9200', tls: { caFile, rejectUnauthorized: true } }, 'CONFIG_CONFLICT', /https:\/\//],
    ['an unreadable caFile', { ...https, tls: { caFile: join(dir, 'missing.pem'), rejectUnauthorized: true } }, 'CONFIG_READ', /ENOENT/],
    ['a short fingerprint', { ...https, tls: { caFingerprint: 'AB:CD', rejectUnauthorized: true } }, 'CONFIG_FORMAT', /SHA-256/],
  ] as const)('refuses %s', (_name, cfg, code, message) => {
    const p = problem(cfg);
    expect(p.code).toBe(code);
    expect(p.message).toMatch(message);
  });

  it('reports every problem at once', () => {
    const p = problem({ node: 'http://es:9200', tls: { caFile, caFingerprint: 'x', rejectUnauthorized: false } });
    expect(p.message.split('; ')).toHaveLength(4);
  });

  it('reads the CA file and verifies against it', () => {
    expect(resolveConnection({ ...https, tls: { caFile, rejectUnauthorized: true } }).trust).toEqual({
      kind: 'ca',
      ca: Buffer.from('-----BEGIN CERTIFICATE-----\n'),
    });
  });

  it('pins a fingerprint', () => {
    expect(resolveConnection({ ...https, tls: { caFingerprint: FP, rejectUnauthorized: true } }).trust).toEqual({
      kind: 'fingerprint',
      fingerprint: FP,
    });
  });

  it('verifies against the system CAs by default', () => {
    expect(resolveConnection(https).trust).toEqual({ kind: 'system', rejectUnauthorized: true });
  });

  it('sends an API key in preference to username/password', () => {
    expect(resolveConnection({ ...https, apiKey: 'k', username: 'u', password: 'p' }).auth).toEqual({ apiKey: 'k' });
    expect(resolveConnection({ ...https, username: 'u', password: 'p' }).auth).toEqual({ username: 'u', password: 'p' });
    expect(resolveConnection(https).auth).toBeUndefined();
  });
});
