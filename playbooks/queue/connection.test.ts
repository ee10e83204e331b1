import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { redisConnection } from './connection.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-redis-conn-'));
const caFile = join(dir, 'ca.pem');
writeFileSync(caFile, 'CA');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('redisConnection', () => {
  it('talks plain Redis without TLS settings, with BullMQ-safe retries', () => {
    expect(redisConnection({ url: 'redis://127.0.0.1:6379' }).options).toEqual({ maxRetriesPerRequest: null });
  });

  it('sends the ACL user and password from the config', () => {
    expect(redisConnection({ url: 'redis://r:6379', username: 'u', password: 'p' }).options).toMatchObject({
      username: 'u',
      password: 'p',
    });
  });

  it('verifies the server against tls.caFile', () => {
    const { options } = redisConnection({ url: 'redis://r:6380', tls: { enabled: true, caFile, servername: 'redis.internal' } });
    expect(options.tls).toEqual({ rejectUnauthorized: true, ca: Buffer.from('CA'), servername: 'redis.internal' });
  });

  it('turns TLS on for a rediss:// URL, verifying against the system CAs', () => {
    expect(redisConnection({ url: 'rediss://r:6380' }).options.tls).toEqual({ rejectUnauthorized: true });
  });

  it('refuses TLS files while TLS is off rather than connect in clear text', () => {
    expect(() => redisConnection({ url: 'redis://r:6379', tls: { enabled: false, caFile } })).toThrow(
      expect.objectContaining({ code: 'CONFIG_CONFLICT' }),
    );
  });

  it('names an unreadable file and a certificate without its key, together', () => {
    expect(() =>
      redisConnection({ url: 'redis://r:6379', tls: { enabled: true, caFile: join(dir, 'nope.pem'), certFile: caFile } }),
    ).toThrow(/redis\.tls\.keyFile: tls\.certFile and tls\.keyFile go together; redis\.tls\.caFile: cannot read .*nope\.pem: ENOENT/);
  });
});
