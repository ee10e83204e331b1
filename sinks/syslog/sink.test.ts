import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { firstAttempt as ctx, outgoing as out } from '../../test/support/outgoing.js';
import { createSyslogDeliver, type MessageOptions } from './sink.js';
import { StreamTransport } from './transport.js';

const opts: MessageOptions = {
  body: {
    encoding: 'json',
    cef: { vendor: 'V', product: 'P', version: '1' },
    leef: { vendor: 'V', product: 'P', version: '1', delimiter: '^' },
  },
  header: { format: 'rfc5424', facility: 16, severity: 6, appName: 'vigil', hostname: 'me' },
  framing: 'lf',
  maxMessageBytes: 300,
};

/** A receiver that keeps every line it reads, and can drop its connections. */
async function receiver(port = 0): Promise<{ server: Server; port: number; lines: string[]; sockets: Set<Socket> }> {
  const lines: string[] = [];
  const sockets = new Set<Socket>();
  let buf = '';
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('data', (d) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop() ?? '';
      lines.push(...parts);
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port, lines, sockets };
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const transport = (port: number, queueSize = 100) => {
  const t = new StreamTransport({
    host: '127.0.0.1',
    port,
    connectTimeoutMs: 1000,
    queueSize,
    backoff: { initialMs: 10, maxMs: 50, factor: 2, jitter: 0 },
  });
  cleanups.push(() => t.close());
  return t;
};

describe('syslog deliver over TCP', () => {
  it('sends every record as one line and rejects the one over maxMessageBytes with the reason', async () => {
    const r = await receiver();
    cleanups.push(() => void r.server.close());
    const deliver = createSyslogDeliver(transport(r.port), opts);
    const verdicts = await deliver([out({ n: 1 }), out({ n: 2, big: 'x'.repeat(400) }), out({ n: 3 })], ctx());
    expect(verdicts.map((v) => v.outcome)).toEqual(['ok', 'reject', 'ok']);
    expect(verdicts[1]).toMatchObject({ reason: expect.stringContaining('over maxMessageBytes (300)') });
    await expect.poll(() => r.lines.length).toBe(2);
    expect(r.lines.map((l) => JSON.parse(l.slice(l.indexOf('{'))).n)).toEqual([1, 3]);
  });

  it('throws (the runner retries) while the receiver is down, and connects again once it is back', async () => {
    const r = await receiver();
    const port = r.port;
    await new Promise((res) => r.server.close(res));
    const t = transport(port);
    const deliver = createSyslogDeliver(t, opts);
    await expect(deliver([out({ n: 1 })], ctx())).rejects.toMatchObject({ code: 'SINK_RETRY' });
    const back = await receiver(port);
    cleanups.push(() => void back.server.close());
    await expect
      .poll(
        async () =>
          await deliver([out({ n: 2 })], ctx()).then(
            () => true,
            () => false,
          ),
        { timeout: 5000 },
      )
      .toBe(true);
    // The receiver drops the connection: the next delivery goes out on a new one.
    for (const s of back.sockets) s.destroy();
    await expect
      .poll(
        async () =>
          await deliver([out({ n: 3 })], ctx()).then(
            () => back.lines.length >= 2,
            () => false,
          ),
        { timeout: 5000 },
      )
      .toBe(true);
    expect(t.connections).toBeGreaterThanOrEqual(2);
  });

  it('refuses at once, retriably, more messages than the queue holds', async () => {
    const deliver = createSyslogDeliver(transport(9, 2), opts);
    await expect(deliver([out({ n: 1 }), out({ n: 2 }), out({ n: 3 })], ctx())).rejects.toMatchObject({
      code: 'SINK_RETRY',
      message: expect.stringContaining('queueSize 2'),
    });
  });
});
