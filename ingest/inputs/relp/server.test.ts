import { readFileSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RelpInputConfig } from './config.js';
import type { DeadLetterDocument } from '../../../core/deadletter/index.js';
import type { EcsEvent } from '../../../core/event/index.js';
import { metrics } from '../../../core/telemetry/index.js';
import { RelpTestClient } from '../../../test/support/relp-client.js';
import { createFramePublisher } from '../../frame-publisher.js';
import { makeTestPki } from '../../../test/support/certs.js';
import { MemoryPublisher } from '../../../test/support/memory-publisher.js';
import { counterValue } from '../../../test/support/metrics.js';
import { withRelpDefaults } from './config.js';
import { startRelpInput, type RelpInput } from './server.js';

const EVENTS = 'test.vigil.events';
const DLQ = 'test.vigil.deadletter';
const LINE = (n: number) => `<13>Nov 20 09:14:03 host-a app[7]: relp line ${n}`;
let seq = 0;
const running: RelpInput[] = [];
const clients: RelpTestClient[] = [];
const pki = makeTestPki();

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await Promise.all(running.splice(0).map((s) => s.close()));
});
afterAll(() => pki.remove());

async function start(over: Partial<RelpInputConfig> = {}) {
  const cfg = withRelpDefaults({ id: `relp-test-${++seq}`, port: 0, parseWorkers: 0, auth: 'none', ...over });
  const publisher = new MemoryPublisher();
  const pipeline = createFramePublisher({ input: cfg, publisher, eventsTopic: EVENTS, deadletterTopic: DLQ });
  const server = await startRelpInput(cfg, pipeline, { closeTimeoutMs: 1000 });
  running.push(server);
  return {
    cfg,
    publisher,
    server,
    messages: () => publisher.values<EcsEvent>(EVENTS).map((e) => e.message),
    letters: () => publisher.values<DeadLetterDocument>(DLQ),
  };
}

async function client(port: number, tls?: Parameters<typeof RelpTestClient.connect>[1]): Promise<RelpTestClient> {
  const c = await RelpTestClient.connect(port, tls);
  clients.push(c);
  return c;
}

/** Connects and completes the open handshake. */
async function opened(port: number): Promise<RelpTestClient> {
  const c = await client(port);
  c.open();
  await c.waitForFrames(1);
  expect(c.responses()).toEqual(['1 200 OK']);
  return c;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('relp input', () => {
  it('acknowledges a syslog frame only once Kafka acknowledged its event', async () => {
    const { server, publisher, messages } = await start();
    const c = await opened(server.port);
    const release = publisher.hold();
    c.syslog(LINE(1));
    c.syslog(LINE(2));
    c.syslog(LINE(3));
    await publisher.waitFor(() => publisher.pending > 0);
    await sleep(150);
    expect(c.responses()).toEqual(['1 200 OK']);
    expect(messages()).toEqual([]);
    release();
    await c.waitForFrames(4);
    expect(c.responses()).toEqual(['1 200 OK', '2 200 OK', '3 200 OK', '4 200 OK']);
    expect(messages()).toEqual(['relp line 1', 'relp line 2', 'relp line 3']);
  });

  it('keeps acknowledgements in TXNR order across batches while frames keep coming', async () => {
    const { server, messages } = await start();
    const c = await opened(server.port);
    for (let i = 0; i < 300; i++) c.syslog(LINE(i));
    await c.waitForFrames(301);
    expect(c.received.map((f) => f.txnr)).toEqual(Array.from({ length: 301 }, (_, i) => i + 1));
    expect(new Set(messages()).size).toBe(300);
  });

  it('closes the session without acknowledging when Kafka refuses the batch, so that the sender resends', async () => {
    const { server, publisher, cfg } = await start();
    const c = await opened(server.port);
    const before = await counterValue(metrics.errors, { id: cfg.id, code: 'SERVICE_UNAVAILABLE' });
    publisher.failNext = new Error('broker down');
    c.syslog(LINE(1));
    await c.closed;
    expect(c.responses()).toEqual(['1 200 OK']);
    expect(await counterValue(metrics.errors, { id: cfg.id, code: 'SERVICE_UNAVAILABLE' })).toBe(before + 1);
  });

  it('dead-letters a broken frame with its bytes and the reason, acknowledges what came before it, and closes', async () => {
    const { server, messages, letters, cfg } = await start();
    const c = await opened(server.port);
    const before = await counterValue(metrics.errors, { id: cfg.id, code: 'RELP_PROTOCOL' });
    c.syslog(LINE(1));
    c.writeRaw('3 syslog 4 abcdef\n');
    await c.closed;
    expect(c.received.map((f) => `${f.txnr} ${f.command}`)).toEqual(['1 rsp', '2 rsp', '0 serverclose']);
    expect(messages()).toEqual(['relp line 1']);
    expect(letters()).toMatchObject([
      {
        code: 'RELP_PROTOCOL',
        reason: 'broken RELP frame: frame 3 is not terminated by LF after its 4 data bytes',
        raw: { encoding: 'utf8', data: '3 syslog 4 abcdef\n' },
        component: cfg.id,
        peer: '127.0.0.1',
      },
    ]);
    expect(await counterValue(metrics.errors, { id: cfg.id, code: 'RELP_PROTOCOL' })).toBe(before + 1);
  });

  it('dead-letters an oversized message and acknowledges it, then goes on', async () => {
    const { server, messages, letters } = await start({ maxMessageBytes: 480 });
    const c = await opened(server.port);
    c.syslog(`<13>${'y'.repeat(2000)}`);
    c.syslog(LINE(2));
    await c.waitForFrames(3);
    expect(c.responses()).toEqual(['1 200 OK', '2 200 OK', '3 200 OK']);
    expect(messages()).toEqual(['relp line 2']);
    expect(letters()).toMatchObject([{ code: 'FRAME_TOO_LARGE', raw: { data: `<13>${'y'.repeat(1020)}` } }]);
  });

  it('answers close after the acknowledgements before it, then closes the connection', async () => {
    const { server } = await start();
    const c = await opened(server.port);
    c.syslog(LINE(1));
    c.command('close');
    await c.closed;
    expect(c.received.map((f) => `${f.txnr} ${f.command} ${f.data.toString()}`)).toEqual([
      expect.stringMatching(/^1 rsp 200 OK/),
      '2 rsp 200 OK',
      '3 rsp ',
    ]);
  });

  it('on close(), acknowledges what it read, sends serverclose and closes its sessions', async () => {
    const { server, publisher, messages } = await start();
    const c = await opened(server.port);
    const release = publisher.hold();
    c.syslog(LINE(1));
    await publisher.waitFor(() => publisher.pending > 0);
    const closing = server.close();
    release();
    await closing;
    await c.closed;
    expect(c.received.map((f) => `${f.txnr} ${f.command}`)).toEqual(['1 rsp', '2 rsp', '0 serverclose']);
    expect(messages()).toEqual(['relp line 1']);
  });

  it('closes a silent session after idleTimeoutSeconds, but not one waiting for Kafka', async () => {
    const { server, publisher } = await start({ idleTimeoutSeconds: 1 });
    const waiting = await opened(server.port);
    const release = publisher.hold();
    waiting.syslog(LINE(1));
    const silent = await opened(server.port);
    await silent.closed;
    expect(waiting.socket.destroyed).toBe(false);
    release();
    await waiting.waitForFrames(2);
    expect(waiting.responses()).toEqual(['1 200 OK', '2 200 OK']);
  });

  it('over mutual TLS, takes a client with a certificate from the CA and refuses one without', async () => {
    const { server, messages } = await start({ auth: undefined, tls: pki.mutualTls(5000) });
    const ca = readFileSync(pki.caFile);
    const good = await client(server.port, {
      ca,
      cert: readFileSync(pki.clientCert),
      key: readFileSync(pki.clientKey),
      servername: 'localhost',
    });
    good.open();
    good.syslog(LINE(1));
    await good.waitForFrames(2);
    expect(good.responses()).toEqual(['1 200 OK', '2 200 OK']);
    expect(messages()).toEqual(['relp line 1']);

    const anonymous = await client(server.port, { ca, servername: 'localhost' }).catch((err: Error) => err);
    if (anonymous instanceof RelpTestClient) {
      // TLS 1.3 reports the missing certificate after the handshake: the server closes before any response.
      anonymous.open();
      await anonymous.closed;
      expect(anonymous.received).toEqual([]);
    } else {
      expect(anonymous).toBeInstanceOf(Error);
    }
  });

  it('refuses to start without authentication unless the config says auth: none', async () => {
    const cfg = withRelpDefaults({ id: 'relp-open', port: 0, parseWorkers: 0 });
    const { startInput } = await import('../registry.js');
    await expect(startInput(cfg, { publisher: new MemoryPublisher(), eventsTopic: EVENTS, deadletterTopic: DLQ })).rejects.toMatchObject({
      code: 'CONFIG_INSECURE',
    });
  });
});
