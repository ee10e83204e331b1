import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SyslogInputConfig } from './config.js';
import type { DeadLetterDocument } from '../../../core/deadletter/index.js';
import { VigilError } from '../../../core/errors/index.js';
import type { EcsEvent } from '../../../core/event/index.js';
import { metrics } from '../../../core/telemetry/index.js';
import { CONNECTION_LIMIT_DEFAULTS } from '../../net/index.js';
import { createFramePublisher } from '../../frame-publisher.js';
import { MemoryPublisher } from '../../../test/support/memory-publisher.js';
import { counterValue } from '../../../test/support/metrics.js';
import { startSyslogInput, type SyslogInput } from './server.js';
import type { SyslogServerOptions } from './types.js';

const EVENTS = 'test.vigil.events';
const DLQ = 'test.vigil.deadletter';
const NOW = new Date('2026-11-22T02:05:00.000Z');
let seq = 0;
const open: SyslogInput[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function start(protocol: 'udp' | 'tcp', over: Partial<SyslogInputConfig> = {}, options: SyslogServerOptions = {}) {
  const cfg: SyslogInputConfig = {
    id: `server-test-${protocol}-${++seq}`,
    type: 'syslog',
    parseWorkers: 0,
    protocol,
    host: '127.0.0.1',
    port: 0,
    maxMessageBytes: 65536,
    timezone: 'UTC',
    keepOriginal: true,
    ...CONNECTION_LIMIT_DEFAULTS,
    ...over,
  };
  const publisher = new MemoryPublisher();
  const pipeline = createFramePublisher({ input: cfg, publisher, eventsTopic: EVENTS, deadletterTopic: DLQ, now: () => NOW });
  const server = await startSyslogInput(cfg, pipeline, options);
  open.push(server);
  const events = () => publisher.values<EcsEvent>(EVENTS);
  const letters = () => publisher.values<DeadLetterDocument>(DLQ);
  return { cfg, publisher, server, events, letters, labels: { kind: 'input', id: cfg.id } };
}

async function sendUdp(port: number, messages: Array<string | Buffer>): Promise<void> {
  const sock = createSocket('udp4');
  for (const m of messages) {
    await new Promise<void>((resolve, reject) => sock.send(m, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  }
  sock.close();
}

function tcpClient(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' }, () => resolve(s));
    s.setNoDelay(true);
    s.once('error', reject);
  });
}

function write(s: Socket, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => s.write(data, (err) => (err ? reject(err) : resolve())));
}

function endAndWaitClose(s: Socket): Promise<void> {
  return new Promise((resolve) => {
    s.once('close', () => resolve());
    s.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const octet = (m: string) => `${Buffer.byteLength(m)} ${m}`;

describe('syslog over UDP', () => {
  it('binds an ephemeral port and turns each datagram into one event or dead letter', async () => {
    const { server, publisher, events, letters } = await start('udp');
    expect(server.port).toBeGreaterThan(0);
    await sendUdp(server.port, [
      '<38>Nov 20 09:14:03 web-01 sshd[2231]: Failed password for root from 203.0.113.45 port 52144 ssh2',
      '<165>1 2026-11-20T09:18:00Z db-01 app - - - multi\nline',
      '<13>Nov 20 09:14:04 web-02 app: with trailer\n',
      'garbage',
    ]);
    await publisher.waitFor(() => publisher.acked.length === 4);
    expect(events().map((e) => [e.host?.name, e.message, e.vigil?.peer])).toEqual([
      ['web-01', 'Failed password for root from 203.0.113.45 port 52144 ssh2', '127.0.0.1'],
      ['db-01', 'multi\nline', '127.0.0.1'],
      ['web-02', 'with trailer', '127.0.0.1'],
    ]);
    expect(letters().map((l) => [l.code, l.raw.data, l.peer])).toEqual([['PARSE_SYSLOG', 'garbage', '127.0.0.1']]);
  });

  it('dead-letters a datagram above maxMessageBytes with its first bytes', async () => {
    const { server, publisher, letters } = await start('udp', { maxMessageBytes: 480 }, { errorSampleBytes: 16 });
    await sendUdp(server.port, [`<13>Nov 20 09:14:03 h a: ${'x'.repeat(1000)}`]);
    await publisher.waitFor(() => publisher.acked.length === 1);
    expect(letters()).toEqual([
      expect.objectContaining({
        code: 'FRAME_TOO_LARGE',
        reason: 'datagram of 1025 bytes exceeds maxMessageBytes (480)',
        raw: { encoding: 'utf8', data: '<13>Nov 20 09:14' },
      }),
    ]);
  });

  it('batches a burst of datagrams', async () => {
    const { server, publisher } = await start('udp', {}, { udpBatchWaitMs: 50 });
    await sendUdp(
      server.port,
      Array.from({ length: 20 }, (_, i) => `<13>Nov 20 09:14:03 h a: burst ${i}`),
    );
    await publisher.waitFor(() => publisher.acked.length === 20);
    expect(publisher.calls).toBeLessThanOrEqual(3);
  });

  it('drops and counts datagrams while the pipeline is behind', async () => {
    const { server, publisher, events, labels } = await start('udp', {}, { udpBatchSize: 1, udpMaxInFlight: 1 });
    const release = publisher.hold();
    await sendUdp(server.port, ['<13>Nov 20 09:14:03 h a: 1']);
    await publisher.waitFor(() => publisher.pending === 1); // batch 1 in flight
    await sendUdp(
      server.port,
      [2, 3, 4, 5].map((i) => `<13>Nov 20 09:14:03 h a: ${i}`),
    );
    await vi.waitFor(async () => expect(await counterValue(metrics.dropped, { ...labels, reason: 'udp_backpressure' })).toBe(3));
    release();
    await publisher.waitFor(() => publisher.acked.length === 2);
    await sleep(30);
    expect(events().map((e) => e.message)).toEqual(['1', '2']);
  });

  it('close() waits for the batch in flight', async () => {
    const { server, publisher, events } = await start('udp');
    const release = publisher.hold();
    await sendUdp(server.port, ['<13>Nov 20 09:14:03 h a: in flight']);
    await publisher.waitFor(() => publisher.pending === 1);
    let closed = false;
    const closing = server.close().then(() => (closed = true));
    await sleep(30);
    expect(closed).toBe(false);
    release();
    await closing;
    expect(events().map((e) => e.message)).toEqual(['in flight']);
  });
});

describe('syslog over TCP', () => {
  it('reads LF-framed messages', async () => {
    const { server, publisher, events } = await start('tcp');
    const c = await tcpClient(server.port);
    await write(c, '<38>Nov 20 09:14:03 web-01 sshd[1]: one\n<38>Nov 20 09:14:04 web-01 sshd[2]: two\r\n');
    await endAndWaitClose(c);
    await publisher.waitFor(() => publisher.acked.length === 2);
    expect(events().map((e) => [e.message, e.process?.pid, e.vigil?.peer])).toEqual([
      ['one', 1, '127.0.0.1'],
      ['two', 2, '127.0.0.1'],
    ]);
  });

  it('reads octet-counted messages, with rsyslog\u2019s LF inside the count', async () => {
    const { server, publisher, events } = await start('tcp');
    const c = await tcpClient(server.port);
    const a = '<165>1 2026-11-20T09:18:00Z db-01 app - - [x@1 k="v"] first\n';
    const b = '<13>Nov 20 09:14:04 web-01 app: second';
    await write(c, octet(a) + octet(b));
    await endAndWaitClose(c);
    await publisher.waitFor(() => publisher.acked.length === 2);
    expect(events().map((e) => [e.message, e.log?.syslog?.structured_data])).toEqual([
      ['first', { 'x@1': { k: 'v' } }],
      ['second', undefined],
    ]);
  });

  it('joins a frame split across writes, in both framings', async () => {
    const { server, publisher, events } = await start('tcp');
    const c = await tcpClient(server.port);
    const m = '<13>Nov 20 09:14:03 web-01 app: split across writes';
    await write(c, m.slice(0, 20));
    await sleep(40);
    await write(c, `${m.slice(20)}\n${octet(m).slice(0, 2)}`);
    await sleep(40);
    await write(c, octet(m).slice(2));
    await endAndWaitClose(c);
    await publisher.waitFor(() => publisher.acked.length === 2);
    expect(events().map((e) => e.message)).toEqual(['split across writes', 'split across writes']);
  });

  it('pauses the socket while the publisher has not acknowledged, and resumes after', async () => {
    const { server, publisher, events } = await start('tcp', {}, { tcpReadAheadBytes: 0 });
    const release = publisher.hold();
    const c = await tcpClient(server.port);
    await write(c, '<13>Nov 20 09:14:03 h app: first\n');
    await publisher.waitFor(() => publisher.pending === 1);
    expect(server.connections()).toEqual([expect.objectContaining({ peer: '127.0.0.1', paused: true, inFlight: 1 })]);

    await write(c, '<13>Nov 20 09:14:04 h app: second\n');
    await sleep(80);
    // With no read-ahead, the second frame is not published while the first batch waits for its ack.
    expect(publisher.calls).toBe(1);
    expect(server.connections()[0]?.paused).toBe(true);

    release();
    await publisher.waitFor(() => publisher.acked.length === 2);
    expect(events().map((e) => e.message)).toEqual(['first', 'second']);
    await vi.waitFor(() => expect(server.connections()[0]?.paused).toBe(false));
    await endAndWaitClose(c);
  });

  it('reads ahead while a batch is in flight, publishes the read-ahead as the next batch, and pauses past the limit', async () => {
    const { server, publisher, events } = await start('tcp', {}, { tcpReadAheadBytes: 60 });
    const release = publisher.hold();
    const c = await tcpClient(server.port);
    await write(c, '<13>Nov 20 09:14:03 h app: first\n');
    await publisher.waitFor(() => publisher.pending === 1);
    await write(c, '<13>Nov 20 09:14:04 h app: second\n');
    await sleep(50);
    expect(server.connections()[0]).toMatchObject({ paused: false, inFlight: 1 });
    await write(c, '<13>Nov 20 09:14:05 h app: third\n');
    await vi.waitFor(() => expect(server.connections()[0]?.paused).toBe(true));
    expect(publisher.calls).toBe(1);
    release();
    await publisher.waitFor(() => publisher.acked.length === 3);
    expect(publisher.calls).toBe(2);
    expect(events().map((e) => e.message)).toEqual(['first', 'second', 'third']);
    await vi.waitFor(() => expect(server.connections()[0]?.paused).toBe(false));
    await endAndWaitClose(c);
  });

  it('delivers 5000 lines of one connection, in order, with backpressure', async () => {
    const { server, publisher, events } = await start('tcp');
    const c = await tcpClient(server.port);
    const lines = Array.from({ length: 5000 }, (_, i) =>
      i % 2 ? octet(`<13>Nov 20 09:14:03 h app: n${i}`) : `<13>Nov 20 09:14:03 h app: n${i}\n`,
    );
    await write(c, lines.join(''));
    await endAndWaitClose(c);
    await publisher.waitFor(() => publisher.acked.length === 5000, 20000);
    expect(events().map((e) => e.message)).toEqual(lines.map((_, i) => `n${i}`));
  });

  it('flushes a last line without LF when the sender closes', async () => {
    const { server, publisher, events } = await start('tcp');
    const c = await tcpClient(server.port);
    await write(c, '<13>Nov 20 09:14:03 h app: no newline at the end');
    await endAndWaitClose(c);
    await publisher.waitFor(() => publisher.acked.length === 1);
    expect(events().map((e) => e.message)).toEqual(['no newline at the end']);
  });

  it('dead-letters bad frames and keeps reading the connection', async () => {
    const { server, publisher, events, letters } = await start('tcp', { maxMessageBytes: 480 }, { errorSampleBytes: 8 });
    const c = await tcpClient(server.port);
    await write(c, `12x <13>bad count\n${'y'.repeat(600)}\n600 ${'z'.repeat(600)}<13>Nov 20 09:14:03 h app: still fine\n`);
    await endAndWaitClose(c);
    await publisher.waitFor(() => publisher.acked.length === 4);
    expect(letters().map((l) => [l.code, l.raw.data])).toEqual([
      ['FRAME_INVALID', '12x <13>bad count'],
      ['FRAME_TOO_LARGE', 'yyyyyyyy'],
      ['FRAME_TOO_LARGE', 'zzzzzzzz'],
    ]);
    expect(events().map((e) => e.message)).toEqual(['still fine']);
  });

  it('survives a connection reset mid-frame and serves the next one', async () => {
    const { server, publisher, events, letters } = await start('tcp');
    const bad = await tcpClient(server.port);
    await write(bad, '\u0016\u0003\u0001 not syslog\n40 <13>cut');
    bad.resetAndDestroy();
    await vi.waitFor(() => expect(server.connections()).toHaveLength(0));
    const good = await tcpClient(server.port);
    await write(good, '<13>Nov 20 09:14:03 h app: after the reset\n');
    await endAndWaitClose(good);
    await publisher.waitFor(() => events().length === 1);
    expect(events()[0]?.message).toBe('after the reset');
    expect(letters().map((l) => l.code)).toEqual(['PARSE_SYSLOG', 'FRAME_TRUNCATED']);
  });

  it('holds the connection and retries while Kafka is away, so the line the sender already sent is not lost', async () => {
    const { server, publisher, events, labels } = await start('tcp');
    publisher.failNext = new VigilError('SERVICE_UNAVAILABLE', 'kafka down');
    const c = await tcpClient(server.port);
    let closed = false;
    c.once('close', () => (closed = true));
    c.on('error', () => undefined);
    await write(c, '<13>Nov 20 09:14:03 h app: kept\n');
    await publisher.waitFor(() => events().length === 1);
    expect(events()[0]?.message).toBe('kept');
    expect(closed).toBe(false);
    expect(publisher.calls).toBeGreaterThanOrEqual(2);
    expect(await counterValue(metrics.errors, { ...labels, code: 'SERVICE_UNAVAILABLE' })).toBe(1);
    await endAndWaitClose(c);
  });

  it('closes the connection when a batch is refused for good', async () => {
    const { server, publisher, labels } = await start('tcp');
    publisher.failNext = new VigilError('BUS_AUTHORIZATION', 'no Write on vigil.events');
    const c = await tcpClient(server.port);
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
    c.on('error', () => undefined);
    await write(c, '<13>Nov 20 09:14:03 h app: refused\n');
    await closed;
    expect(await counterValue(metrics.errors, { ...labels, code: 'BUS_AUTHORIZATION' })).toBe(1);
  });

  it('close() stops accepting, waits for the batch in flight, then resolves', async () => {
    const { server, publisher, events } = await start('tcp');
    const release = publisher.hold();
    const c = await tcpClient(server.port);
    c.on('error', () => undefined);
    await write(c, '<13>Nov 20 09:14:03 h app: in flight\n');
    await publisher.waitFor(() => publisher.pending === 1);
    let closed = false;
    const closing = server.close().then(() => (closed = true));
    await sleep(40);
    expect(closed).toBe(false);
    await expect(tcpClient(server.port)).rejects.toThrow(/ECONNREFUSED/);
    release();
    await closing;
    expect(events().map((e) => e.message)).toEqual(['in flight']);
    expect(server.connections()).toEqual([]);
  });

  it('refuses an invalid config', async () => {
    const publisher = new MemoryPublisher();
    const cfg: SyslogInputConfig = {
      id: 'bad',
      type: 'syslog',
      parseWorkers: 0,
      protocol: 'tcp',
      host: '127.0.0.1',
      port: 70000,
      maxMessageBytes: 10,
      timezone: 'UTC',
      keepOriginal: true,
      ...CONNECTION_LIMIT_DEFAULTS,
    };
    const pipeline = createFramePublisher({ input: cfg, publisher, eventsTopic: EVENTS, deadletterTopic: DLQ });
    await expect(startSyslogInput(cfg, pipeline)).rejects.toThrow(/port must be.*maxMessageBytes must be/);
  });
});
