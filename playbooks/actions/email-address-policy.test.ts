import { createServer as createNetServer, type AddressInfo, type Server } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki, type TestPki } from '../../test/support/certs.js';
import { failure } from '../../test/support/actions.js';
import { emailSend } from './email.js';
import type { Resolver } from './net/guard.js';

/**
 * email.send connects only where the step's network policy lets it: the SMTP host is resolved
 * once, every address is checked, and the connection goes to a checked address with the host
 * name kept for TLS. The resolver is the test's, so that a name can answer any address.
 */
const answering =
  (address: string): Resolver =>
  async () => [{ address, family: 4 }];

let tcp: Server;
let tcpPort: number;
let tcpConnections = 0;
let tls: TlsServer;
let tlsPort: number;
const sniSeen: string[] = [];
let pki: TestPki;

beforeAll(async () => {
  tcp = createNetServer((s) => {
    tcpConnections++;
    s.destroy();
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  tcpPort = (tcp.address() as AddressInfo).port;
  pki = makeTestPki();
  tls = createTlsServer({
    key: pki.read(pki.serverKey),
    cert: pki.read(pki.serverCert),
    SNICallback: (name, cb) => {
      sniSeen.push(name);
      cb(null, undefined);
    },
  });
  tls.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  tlsPort = (tls.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => tcp.close(() => resolve()));
  await new Promise<void>((resolve) => tls.close(() => resolve()));
  pki.remove();
});

const message = { from: 'vigil@example.test', to: 'soc@example.test', subject: 'Incident', text: 'hi', timeout: '3s' };
const run = (server: string, allow: string[], resolve: Resolver) =>
  emailSend.run({ ...message, server }, { signal: new AbortController().signal, network: { allow, resolve } });

describe('email.send and the address policy', () => {
  it('refuses an SMTP host that resolves to loopback, before any connection', async () => {
    const before = tcpConnections;
    const f = await failure(run(`smtp://mail.vigil.test:${tcpPort}`, [], answering('127.0.0.1')));
    expect(f.code).toBe('ACTION_ADDRESS_REFUSED');
    expect(f.retriable).toBe(false);
    expect(f.message).toMatch(/mail\.vigil\.test \(resolved to 127\.0\.0\.1\): 127\.0\.0\.1 is a loopback address.*allow_hosts/);
    expect(tcpConnections).toBe(before);
  });

  it('refuses a loopback address literal, and a private one', async () => {
    expect((await failure(run(`smtp://127.0.0.1:${tcpPort}`, [], answering('127.0.0.1')))).code).toBe('ACTION_ADDRESS_REFUSED');
    expect((await failure(run('smtp://[::ffff:10.1.2.3]:25', [], answering('10.1.2.3')))).message).toMatch(/private address/);
  });

  it('refuses a metadata address even when a network around it is allowed', async () => {
    const f = await failure(run('smtp://mail.vigil.test:25', ['169.254.0.0/16', 'mail.vigil.test'], answering('169.254.169.254')));
    expect(f.code).toBe('ACTION_ADDRESS_REFUSED');
    expect(f.message).toMatch(/metadata/);
  });

  it('connects to the checked address of an allowed host', async () => {
    const before = tcpConnections;
    const f = await failure(run(`smtp://mail.vigil.test:${tcpPort}`, ['mail.vigil.test'], answering('127.0.0.1')));
    // The stand-in hangs up at once: the connection was made, to the address the resolver gave.
    expect(f.code).toBe('ACTION_FAILED');
    expect(tcpConnections).toBe(before + 1);
  });

  it('keeps the host name for TLS: it is the SNI, and the certificate is still verified', async () => {
    const f = await failure(run(`smtps://mail.vigil.test:${tlsPort}`, ['mail.vigil.test'], answering('127.0.0.1')));
    expect(sniSeen).toContain('mail.vigil.test');
    // The stand-in's certificate chains to a CA nobody trusts: refused, not accepted because we connected by address.
    expect(f.message).toMatch(/certificate/i);
  });
});
