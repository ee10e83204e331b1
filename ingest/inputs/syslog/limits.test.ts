import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SyslogInputConfig } from './config.js';
import type { EcsEvent } from '../../../core/event/index.js';
import { metrics } from '../../../core/telemetry/index.js';
import { CONNECTION_LIMIT_DEFAULTS } from '../../net/index.js';
import { createFramePublisher } from '../../frame-publisher.js';
import { MemoryPublisher } from '../../../test/support/memory-publisher.js';
import { counterValue } from '../../../test/support/metrics.js';
import { startSyslogInput, type SyslogInput } from './server.js';

let seq = 0;
const open: SyslogInput[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function start(over: Partial<SyslogInputConfig>) {
  const cfg: SyslogInputConfig = {
    id: `limits-test-${++seq}`,
    type: 'syslog',
    parseWorkers: 0,
    protocol: 'tcp',
    host: '127.0.0.1',
    port: 0,
    maxMessageBytes: 65536,
    timezone: 'UTC',
    keepOriginal: true,
    ...CONNECTION_LIMIT_DEFAULTS,
    ...over,
  };
  const publisher = new MemoryPublisher();
  const pipeline = createFramePublisher({ input: cfg, publisher, eventsTopic: 'events', deadletterTopic: 'dlq' });
  const server = await startSyslogInput(cfg, pipeline);
  open.push(server);
  const closedFor = (reason: string) => counterValue(metrics.connectionsClosed, { kind: 'input', id: cfg.id, reason });
  return { server, publisher, closedFor, events: () => publisher.values<EcsEvent>('events').map((e) => e.message) };
}

/** A connection that sends nothing; `closed` resolves with how long it stayed open, in ms. */
function silent(port: number, localAddress = '127.0.0.1'): { socket: Socket; connected: Promise<void>; closed: Promise<number> } {
  const t0 = Date.now();
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  sockets.push(socket);
  socket.on('error', () => undefined);
  return {
    socket,
    connected: new Promise((resolve) => socket.once('connect', () => resolve())),
    closed: new Promise((resolve) => socket.once('close', () => resolve(Date.now() - t0))),
  };
}

/** Connects, sends one line, waits for the server to have it; rejects if the server closes first. */
async function sendLine(port: number, line: string, localAddress = '127.0.0.1'): Promise<void> {
  const s = connect({ port, host: '127.0.0.1', localAddress });
  sockets.push(s);
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.once('connect', () => s.end(`${line}\n`, () => resolve()));
  });
}

describe('syslog TCP connection limits', { timeout: 10_000 }, () => {
  it('with maxConnections N, N+200 silent sockets of one peer do not lock out another sender', async () => {
    const N = 40;
    const { server, publisher, events, closedFor } = await start({ maxConnections: N, maxConnectionsPerPeer: 16, idleTimeoutSeconds: 60 });
    const flood = Array.from({ length: N + 200 }, () => silent(server.port));
    await Promise.all(flood.map((f) => f.connected));
    // All but the per-peer cap are closed at once, without waiting for any timeout (a few by the
    // global cap, while the refused ones are still closing).
    const refused = async () => (await closedFor('max_connections_per_peer')) + (await closedFor('max_connections'));
    await vi.waitFor(async () => expect(await refused()).toBe(N + 200 - 16), { timeout: 3000 });
    expect(await closedFor('max_connections_per_peer')).toBeGreaterThan(0);
    expect(server.connections().length).toBeLessThanOrEqual(16);

    await sendLine(server.port, '<13>Nov 20 09:14:03 h app: still heard', '127.0.0.2');
    await publisher.waitFor(() => events().length === 1, 3000);
    expect(events()).toEqual(['still heard']);
  });

  it('closes silent sockets after idleTimeoutSeconds, so that a full server takes senders again', async () => {
    const { server, publisher, events, closedFor } = await start({ maxConnections: 6, maxConnectionsPerPeer: 6, idleTimeoutSeconds: 1 });
    const flood = Array.from({ length: 6 }, () => silent(server.port));
    await Promise.all(flood.map((f) => f.connected));
    await vi.waitFor(() => expect(server.connections()).toHaveLength(6));

    // The server is full: a seventh connection is closed at once, and counted.
    const refused = silent(server.port, '127.0.0.2');
    expect(await refused.closed).toBeLessThan(900);
    await vi.waitFor(async () => expect(await closedFor('max_connections')).toBe(1));

    const lifetimes = await Promise.all(flood.map((f) => f.closed));
    for (const ms of lifetimes) expect(ms).toBeGreaterThanOrEqual(900);
    expect(await closedFor('idle_timeout')).toBe(6);

    await sendLine(server.port, '<13>Nov 20 09:14:03 h app: after the idle ones left', '127.0.0.2');
    await publisher.waitFor(() => events().length === 1, 3000);
    expect(events()).toEqual(['after the idle ones left']);
  });

  it('keeps a connection that goes on talking open past the idle timeout', async () => {
    const { server, publisher, events } = await start({ idleTimeoutSeconds: 1 });
    const quiet = silent(server.port);
    const talker = silent(server.port);
    await Promise.all([quiet.connected, talker.connected]);
    let talkerClosed = false;
    void talker.closed.then(() => (talkerClosed = true));
    for (let i = 0; i < 5; i++) {
      talker.socket.write(`<13>Nov 20 09:14:03 h app: tick ${i}\n`);
      await new Promise((r) => setTimeout(r, 400));
    }
    expect(await quiet.closed).toBeGreaterThanOrEqual(900);
    expect(talkerClosed).toBe(false);
    await publisher.waitFor(() => events().length === 5);
  });

  it('holds the per-peer cap while other peers still connect', async () => {
    const { server, closedFor } = await start({ maxConnections: 100, maxConnectionsPerPeer: 3 });
    const mine = Array.from({ length: 5 }, () => silent(server.port));
    const theirs = Array.from({ length: 3 }, () => silent(server.port, '127.0.0.2'));
    await Promise.all([...mine, ...theirs].map((f) => f.connected));
    await vi.waitFor(async () => expect(await closedFor('max_connections_per_peer')).toBe(2));
    await vi.waitFor(() =>
      expect(
        server
          .connections()
          .map((c) => c.peer)
          .sort(),
      ).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1', '127.0.0.2', '127.0.0.2', '127.0.0.2']),
    );
    // A slot freed by a peer is that peer's again.
    let refused = 0;
    for (const f of mine) void f.closed.then(() => refused++);
    await vi.waitFor(() => expect(refused).toBe(2));
    const kept = mine.find((f) => !f.socket.destroyed)!;
    kept.socket.destroy();
    await kept.closed;
    await vi.waitFor(() => expect(server.connections()).toHaveLength(5));
    const again = silent(server.port);
    await again.connected;
    await vi.waitFor(() => expect(server.connections()).toHaveLength(6));
    expect(await closedFor('max_connections_per_peer')).toBe(2);
  });
});
