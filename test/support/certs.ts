import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM files of a throwaway PKI made with the machine's `openssl`, in a temp dir. */
export interface TestPki {
  dir: string;
  caFile: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A self-signed client certificate that does not chain to the CA. */
  rogueCert: string;
  rogueKey: string;
  read(file: string): Buffer;
  /** An input's `tls` options with the server certificate, requiring a client certificate from the CA. */
  mutualTls(handshakeTimeoutMs: number): MutualTlsOptions;
  remove(): void;
}

export interface MutualTlsOptions {
  certFile: string;
  keyFile: string;
  caFile: string;
  requestCert: true;
  rejectUnauthorized: true;
  handshakeTimeoutMs: number;
}

/** A CA, a server certificate for `localhost`/127.0.0.1, a client certificate, and a rogue one. */
export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-pki-'));
  const p = (f: string) => join(dir, f);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Vigil Test CA');
  writeFileSync(p('server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  writeFileSync(p('client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, ext] of [
    ['server', 'server.ext'],
    ['client', 'client.ext'],
  ] as const) {
    ssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${name === 'server' ? 'localhost' : 'vigil-test-client'}`,
    );
    ssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-extfile',
      ext,
    );
  }
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'rogue.key', '-out', 'rogue.pem', '-days', '2', '-subj', '/CN=rogue');
  return {
    dir,
    caFile: p('ca.pem'),
    serverCert: p('server.pem'),
    serverKey: p('server.key'),
    clientCert: p('client.pem'),
    clientKey: p('client.key'),
    rogueCert: p('rogue.pem'),
    rogueKey: p('rogue.key'),
    read: (f) => readFileSync(f),
    mutualTls: (handshakeTimeoutMs) => ({
      certFile: p('server.pem'),
      keyFile: p('server.key'),
      caFile: p('ca.pem'),
      requestCert: true,
      rejectUnauthorized: true,
      handshakeTimeoutMs,
    }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
