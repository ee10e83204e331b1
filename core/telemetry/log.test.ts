import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loggerFactory, type LoggerFactory } from './log.js';

/** Loggers whose lines are collected, parsed. */
function capture(): { lines: Array<Record<string, unknown>>; logger: LoggerFactory } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: loggerFactory(sink) };
}

describe('logger', () => {
  it('writes credential fields as [REDACTED], at the top and nested, and keeps the rest', () => {
    const { lines, logger } = capture();
    logger('test').warn(
      {
        password: 'pw-top',
        token: 'tok-top',
        headers: { authorization: 'Bearer abc', 'x-api-key': 'k-1', cookie: 'sid=1', accept: 'application/json' },
        err: { config: { headers: { Authorization: 'Basic xyz' } }, message: 'refused' },
        sasl: { mechanism: 'plain', username: 'svc', password: 'pw-nested' },
        user: { name: 'deploy', apiKey: 'ak-1', client_secret: 'cs-1' },
        count: 3,
      },
      'request refused',
    );
    expect(lines).toHaveLength(1);
    const text = JSON.stringify(lines);
    for (const secret of ['pw-top', 'tok-top', 'Bearer abc', 'k-1', 'sid=1', 'Basic xyz', 'pw-nested', 'ak-1', 'cs-1']) {
      expect(text).not.toContain(secret);
    }
    expect(lines[0]).toMatchObject({
      component: 'test',
      msg: 'request refused',
      password: '[REDACTED]',
      token: '[REDACTED]',
      headers: { authorization: '[REDACTED]', 'x-api-key': '[REDACTED]', cookie: '[REDACTED]', accept: 'application/json' },
      err: { config: { headers: { Authorization: '[REDACTED]' } }, message: 'refused' },
      sasl: { mechanism: 'plain', username: 'svc', password: '[REDACTED]' },
      user: { name: 'deploy', apiKey: '[REDACTED]', client_secret: '[REDACTED]' },
      count: 3,
    });
  });

  it('keeps an Error whole and redacts credentials in child bindings', () => {
    const { lines, logger } = capture();
    logger('test', { token: 'tok-binding' }).error({ err: new Error('connect refused') }, 'failed');
    expect(JSON.stringify(lines)).not.toContain('tok-binding');
    expect(lines[0]).toMatchObject({ token: '[REDACTED]', err: { type: 'Error', message: 'connect refused' } });
    expect((lines[0]?.err as { stack?: string }).stack).toContain('connect refused');
  });
});
