import { connect as tcpConnect } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SyslogInputConfig } from './config.js';
import type { EcsEvent } from '../../../core/event/index.js';
import { metrics } from '../../../core/telemetry/index.js';
import { CONNECTION_LIMIT_DEFAULTS } from '../../net/index.js';
import { createFramePublisher } from '../../frame-publisher.js';
import { makeTestPki, type TestPki } from '../../../test/support/certs.js';
import { MemoryPublisher } from '../../../test/support/memory-publisher.js';
import { counterValue } from '../../../test/support/metrics.js';
import { startSyslogInput, type SyslogInput } from './server.js';

const EVENTS = 'test.vigil.events';
let pki: TestPki;
let seq = 0;
const open: SyslogInput[] = [];

beforeAll(() => {
  pki = makeTestPki();
});
afterAll(() => pki.remove());
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function start(tls: Partial<NonNullable<SyslogInputConfig['tls']>> = {}, over: Partial<SyslogInputConfig> = {}) {
  const cfg: SyslogInputConfig = {
    id: `tls-test-${++seq}`,
    type: 'syslog',
    parseWorkers: 0,
    protocol: 'tls',
    host: '127.0.0.1',
    port: 0,
    maxMessageBytes: 65536,
    timezone: 'UTC',
    keepOriginal: true,
    ...CONNECTION_LIMIT_DEFAULTS,
    tls: {
      certFile: pki.serverCert,
      keyFile: pki.serverKey,
      requestCert: false,
      rejectUnauthorized: true,
      handshakeTimeoutMs: 10_000,
      ...tls,
    },
    ...over,
  };
  const publisher = new MemoryPublisher();
  const pipeline = createFramePublisher({ input: cfg, publisher, eventsTopic: EVENTS, deadletterTopic: 'test.dlq' });
  const server = await startSyslogInput(cfg, pipeline);
  open.push(server);
  return { cfg, publisher, server, labels: { kind: 'input', id: cfg.id }, events: () => publisher.values<EcsEvent>(EVENTS) };
}

function tlsClient(port: number, opts: { cert?: string; key?: string } = {}): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = connect({
      host: '127.0.0.1',
      port,
      ca: pki.read(pki.caFile),
      servername: 'localhost',
      ...(opts.cert ? { cert: pki.read(opts.cert), key: pki.read(opts.key!) } : {}),
    });
    s.once('secureConnect', () => resolve(s));
    s.once('error', reject);
  });
}

const send = (s: TLSSocket, data: string) => new Promise<void>((resolve, reject) => s.write(data, (e) => (e ? reject(e) : resolve())));
const end = (s: TLSSocket) => new Promise<void>((resolve) => s.end(resolve));
const octet = (m: string) => `${Buffer.byteLength(m)} ${m}`;

describe('syslog over TLS (RFC 5425)', () => {
  it('reads LF-framed and octet-counted messages on one connection, CEF included', async () => {
    const { server, publisher, events } = await start();
    const c = await tlsClient(server.port);
    await send(c, '<38>Nov 20 09:14:03 web-01 sshd[1]: Failed password for root from 203.0.113.45 port 1 ssh2\n');
    await send(c, octet('<134>1 2026-11-20T09:14:04Z fw-02 ngfw - - - CEF:0|Acme|FW|1|deny|Denied|7|src=203.0.113.46\n'));
    await send(c, '<13>Nov 20 09:14:05 web-01 app: lf again\n');
    await end(c);
    await publisher.waitFor(() => publisher.acked.length === 3);
    expect(events().map((e) => [e.host?.name, e.source?.ip ?? e.message])).toEqual([
      ['web-01', '203.0.113.45'],
      ['fw-02', '203.0.113.46'],
      ['web-01', 'lf again'],
    ]);
  });

  it('with requestCert, accepts a client certificate from the CA and refuses one that is not', async () => {
    const { server, publisher, events, labels } = await start({ requestCert: true, rejectUnauthorized: true, caFile: pki.caFile });
    const before = await counterValue(metrics.errors, { ...labels, code: 'INPUT_TLS' });
    const good = await tlsClient(server.port, { cert: pki.clientCert, key: pki.clientKey });
    await send(good, '<13>Nov 20 09:14:03 h app: from a trusted client\n');
    await end(good);
    await publisher.waitFor(() => publisher.acked.length === 1);

    // TLS 1.3: the client learns of the refusal only after its handshake "completes".
    const outcome = await new Promise<string>((resolve) => {
      const s = connect({
        host: '127.0.0.1',
        port: server.port,
        ca: pki.read(pki.caFile),
        servername: 'localhost',
        cert: pki.read(pki.rogueCert),
        key: pki.read(pki.rogueKey),
      });
      s.on('error', (e) => resolve(`error: ${e.message}`));
      s.on('secureConnect', () => s.write('<13>Nov 20 09:14:03 h app: from a rogue client\n'));
      s.on('close', () => resolve('closed'));
    });
    expect(outcome).toMatch(/error|closed/);
    const none = await new Promise<string>((resolve) => {
      const s = connect({ host: '127.0.0.1', port: server.port, ca: pki.read(pki.caFile), servername: 'localhost' });
      s.on('error', (e) => resolve(`error: ${e.message}`));
      s.on('secureConnect', () => s.write('<13>Nov 20 09:14:03 h app: from a client without certificate\n'));
      s.on('close', () => resolve('closed'));
    });
    expect(none).toMatch(/error|closed/);
    await vi.waitFor(async () => expect(await counterValue(metrics.errors, { ...labels, code: 'INPUT_TLS' })).toBe(before + 2));
    expect(events().map((e) => e.message)).toEqual(['from a trusted client']);
  });

  it('counts and drops a connection that never finishes the handshake', async () => {
    const { server, labels } = await start({ handshakeTimeoutMs: 300 });
    const reason = { ...labels, reason: 'handshake_timeout' };
    const closed = await new Promise<number>((resolve) => {
      const t0 = Date.now();
      const s = tcpConnect({ host: '127.0.0.1', port: server.port });
      s.on('error', () => undefined);
      s.on('close', () => resolve(Date.now() - t0));
    });
    expect(closed).toBeGreaterThanOrEqual(250);
    await vi.waitFor(async () => expect(await counterValue(metrics.connectionsClosed, reason)).toBe(1));
    expect(await counterValue(metrics.errors, { ...labels, code: 'INPUT_TLS' })).toBe(0);
  });

  it('closes a connection that is silent after its handshake once idleTimeoutSeconds passed', async () => {
    const { server, publisher, events, labels } = await start({}, { idleTimeoutSeconds: 1 });
    const quiet = await tlsClient(server.port);
    const t0 = Date.now();
    await send(quiet, '<13>Nov 20 09:14:03 h app: then silence\n');
    const lived = await new Promise<number>((resolve) => quiet.once('close', () => resolve(Date.now() - t0)));
    expect(lived).toBeGreaterThanOrEqual(900);
    expect(await counterValue(metrics.connectionsClosed, { ...labels, reason: 'idle_timeout' })).toBe(1);
    await publisher.waitFor(() => events().length === 1);
  });

  it('closes TLS connections past the per-peer cap at once, without counting them as TLS errors', async () => {
    const { server, labels } = await start({}, { maxConnectionsPerPeer: 2, maxConnections: 10 });
    const kept = [await tlsClient(server.port), await tlsClient(server.port)];
    const outcome = await new Promise<string>((resolve) => {
      const s = connect({ host: '127.0.0.1', port: server.port, ca: pki.read(pki.caFile), servername: 'localhost' });
      s.on('error', (e) => resolve(`error: ${e.message}`));
      s.on('close', () => resolve('closed'));
    });
    expect(outcome).toMatch(/error|closed/);
    await vi.waitFor(async () =>
      expect(await counterValue(metrics.connectionsClosed, { ...labels, reason: 'max_connections_per_peer' })).toBe(1),
    );
    expect(await counterValue(metrics.errors, { ...labels, code: 'INPUT_TLS' })).toBe(0);
    for (const k of kept) k.destroy();
  });

  it('refuses to start without certificates, or with an unreadable one', async () => {
    const publisher = new MemoryPublisher();
    const cfg: SyslogInputConfig = {
      id: 'tls-bad',
      type: 'syslog',
      parseWorkers: 0,
      protocol: 'tls',
      host: '127.0.0.1',
      port: 0,
      maxMessageBytes: 65536,
      timezone: 'UTC',
      keepOriginal: true,
      ...CONNECTION_LIMIT_DEFAULTS,
    };
    const pipeline = createFramePublisher({ input: cfg, publisher, eventsTopic: EVENTS, deadletterTopic: 'd' });
    await expect(startSyslogInput(cfg, pipeline)).rejects.toMatchObject({ code: 'CONFIG_REQUIRED' });
    const missing = {
      ...cfg,
      tls: {
        certFile: '/nonexistent/cert.pem',
        keyFile: pki.serverKey,
        requestCert: false,
        rejectUnauthorized: true,
        handshakeTimeoutMs: 1000,
      },
    };
    await expect(startSyslogInput(missing, pipeline)).rejects.toMatchObject({
      code: 'CONFIG_READ',
      message: expect.stringContaining('/nonexistent/cert.pem'),
    });
  });
});
