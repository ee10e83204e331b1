import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { SplunkS2sInputConfig } from './config.js';
import type { DeadLetterDocument } from '../../../core/deadletter/index.js';
import type { EcsEvent } from '../../../core/event/index.js';
import { metrics } from '../../../core/telemetry/index.js';
import { MemoryPublisher } from '../../../test/support/memory-publisher.js';
import { counterValue } from '../../../test/support/metrics.js';
import { withS2sDefaults } from './config.js';
import { CONTROL_REPLY, encodeMessage, encodeSignature } from '../../framing/s2s.js';
import { openS2s, type S2sSenderOptions } from '../../../test/support/s2s-sender.js';
import { startS2sInput, type SplunkS2sInput } from './server.js';

const EVENTS = 'test.vigil.events';
const DLQ = 'test.vigil.deadletter';
const NOW = new Date('2026-11-22T02:05:00.000Z');
let seq = 0;
const open: SplunkS2sInput[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'vigil-s2s-'));

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Ev = EcsEvent & { vigil: { id: string; splunk: Record<string, unknown> }; agent?: { name?: string } };

async function start(over: Partial<SplunkS2sInputConfig> = {}) {
  const cfg = withS2sDefaults({ id: `s2s-test-${++seq}`, port: 0, ...over });
  const publisher = new MemoryPublisher();
  const server = await startS2sInput(cfg, { publisher, eventsTopic: EVENTS, deadletterTopic: DLQ, now: () => NOW });
  open.push(server);
  return {
    cfg,
    publisher,
    server,
    sender: (o: Partial<S2sSenderOptions> = {}) => openS2s({ host: '127.0.0.1', port: server.port, serverName: 'uf-web01', ...o }),
    events: () => publisher.values<Ev>(EVENTS),
    letters: () => publisher.values<DeadLetterDocument>(DLQ),
    labels: { kind: 'input', id: cfg.id },
  };
}

describe('S2S receiver', () => {
  it('does the v3 handshake and publishes parsed events with their metadata', async () => {
    const t = await start();
    const s = await t.sender();
    expect(s.control).toBe(CONTROL_REPLY);
    await s.send({
      raw: 'Failed password for root\n',
      time: 1700000000.5,
      host: 'web01',
      source: '/var/log/auth.log',
      sourcetype: 'linux_secure',
      index: 'os',
      meta: { env: 'prod', team: 'blue team' },
    });
    await s.send({ raw: 'second', time: 1700000001, host: 'web01', sourcetype: 'linux_secure', extra: { app: 'sshd' } });
    await s.end();
    await t.publisher.waitFor(() => t.events().length === 2);
    const [a, b] = t.events();
    expect(a).toMatchObject({
      '@timestamp': '2023-11-14T22:13:20.500Z',
      message: 'Failed password for root',
      host: { name: 'web01' },
      agent: { type: 'splunk-forwarder', name: 'uf-web01' },
      log: { file: { path: '/var/log/auth.log' } },
      event: { dataset: 'linux_secure', original: 'Failed password for root' },
      labels: { env: 'prod', team: 'blue team' },
      vigil: {
        input: t.cfg.id,
        peer: '127.0.0.1',
        splunk: { index: 'os', source: '/var/log/auth.log', sourcetype: 'linux_secure', fields: { env: 'prod', team: 'blue team' } },
      },
    });
    expect(b).toMatchObject({ message: 'second', labels: { app: 'sshd' }, vigil: { splunk: { index: 'main' } } });
    expect(t.letters()).toEqual([]);
  });

  it('splits unparsed forwarder chunks into lines, carrying a cut-off line to the next chunk', async () => {
    const t = await start();
    const s = await t.sender();
    const base = { host: 'web01', source: '/var/log/app.log', sourcetype: 'app', done: false };
    await s.send({ ...base, raw: 'line 1\nline 2\nli' });
    await s.send({ ...base, raw: 'ne 3\nline 4' });
    await s.send({ ...base, raw: '', done: true }); // _done: the tail "line 4" is an event
    await s.send({ ...base, raw: 'tail at close' });
    await s.end();
    await t.publisher.waitFor(() => t.events().length === 5);
    expect(t.events().map((e) => e.message)).toEqual(['line 1', 'line 2', 'line 3', 'line 4', 'tail at close']);
    expect(t.events().every((e) => e['@timestamp'] === NOW.toISOString())).toBe(true);
  });

  it('pauses reading while Kafka has not acknowledged, and resumes after', async () => {
    const t = await start();
    const release = t.publisher.hold();
    const s = await t.sender();
    await s.send({ raw: 'held', time: 1 });
    await t.publisher.waitFor(() => t.publisher.pending > 0);
    expect(t.server.connections()).toMatchObject([{ peer: '127.0.0.1', paused: true, inFlight: 1, forwarder: 'uf-web01' }]);
    release();
    await t.publisher.waitFor(() => t.events().length === 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(t.server.connections()[0]).toMatchObject({ paused: false, inFlight: 0 });
    await s.end();
  });

  it('a malformed message: earlier events kept, the message dead-lettered (base64), the connection closed', async () => {
    const t = await start();
    const s = await t.sender();
    await s.send({ raw: 'good one', time: 1 });
    const bad = Buffer.from('0000000c000000090000000261ff0000', 'hex');
    await s.writeRaw(bad);
    await s.end(); // resolves once the receiver closed
    await t.publisher.waitFor(() => t.letters().length === 1);
    expect(t.events().map((e) => e.message)).toEqual(['good one']);
    expect(t.letters()[0]).toMatchObject({
      component: t.cfg.id,
      code: 'S2S_PROTOCOL',
      raw: { encoding: 'base64', data: bad.toString('base64') },
    });
    expect(t.letters()[0]?.reason).toMatch(/malformed message/);
    expect(await counterValue(metrics.errors, { ...t.labels, code: 'S2S_PROTOCOL' })).toBe(1);
  });

  it('an oversized message is dead-lettered as FRAME_TOO_LARGE', async () => {
    const t = await start({ maxMessageBytes: 4096 });
    const s = await t.sender();
    await s.send({ raw: 'x'.repeat(5000), time: 1 }).catch(() => undefined);
    await s.end();
    await t.publisher.waitFor(() => t.letters().length === 1);
    expect(t.letters()[0]).toMatchObject({ code: 'FRAME_TOO_LARGE' });
    expect(t.letters()[0]?.reason).toMatch(/exceeds maxMessageBytes 4096/);
    expect(t.events()).toEqual([]);
  });

  it('uncooked data (sendCookedData = false) is dead-lettered and the connection closed', async () => {
    const t = await start();
    const sock = connect({ host: '127.0.0.1', port: t.server.port });
    const closed = new Promise((r) => sock.once('close', r));
    sock.write('Nov 21 09:14:03 web01 sshd[1]: plain line\n');
    await closed;
    await t.publisher.waitFor(() => t.letters().length === 1);
    expect(t.letters()[0]?.reason).toMatch(/sendCookedData=false/);
  });

  it('a connection cut inside a message dead-letters the partial bytes', async () => {
    const t = await start();
    const sock = connect({ host: '127.0.0.1', port: t.server.port });
    await new Promise((r) => sock.once('connect', r));
    const msg = encodeMessage([
      ['_raw', 'cut'],
      ['_time', '1'],
    ]);
    sock.end(Buffer.concat([encodeSignature({ serverName: 'x', mgmtPort: '1' }), msg.subarray(0, 10)]));
    await t.publisher.waitFor(() => t.letters().length === 1);
    expect(t.letters()[0]?.reason).toMatch(/connection closed inside a message \(10 bytes/);
  });

  it('closes on compression=1, which Vigil cannot read', async () => {
    const t = await start();
    await expect(t.sender({ capabilities: 'ack=0;compression=1' })).rejects.toThrow(/closed before the __s2s_control_msg/);
  });

  it('speaks TLS when configured, and counts failed handshakes as INPUT_TLS', async () => {
    const key = join(tmp, 'key.pem');
    const cert = join(tmp, 'cert.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'],
      { stdio: 'ignore' },
    );
    const t = await start({ tls: { enabled: true, certFile: cert, keyFile: key, requireClientCert: false } });
    const s = await t.sender({ tls: { rejectUnauthorized: false } });
    expect(s.control).toBe(CONTROL_REPLY);
    await s.send({ raw: 'over tls', time: 1 });
    await s.end();
    await t.publisher.waitFor(() => t.events().length === 1);
    expect(t.events()[0]?.message).toBe('over tls');
    const plain = connect({ host: '127.0.0.1', port: t.server.port });
    plain.on('error', () => undefined);
    plain.write(encodeSignature({ serverName: 'x', mgmtPort: '1' }));
    await new Promise((r) => plain.once('close', r));
    // A failed handshake is a TLS problem (a forwarder without TLS, a bad certificate), counted as
    // such, as the other stream inputs count it; not a socket fault.
    expect(await counterValue(metrics.errors, { ...t.labels, code: 'INPUT_TLS' })).toBe(1);
    expect(await counterValue(metrics.errors, { ...t.labels, code: 'INPUT_SOCKET' })).toBe(0);
  });
});
