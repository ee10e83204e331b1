import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki, type TestPki } from '../../test/support/certs.js';
import { verifyPinnedChain } from './pinned-ca.js';

describe('verifyPinnedChain', () => {
  let pki: TestPki;
  let ca: X509Certificate;
  let server: X509Certificate;
  /** A leaf for localhost signed by an impostor CA that copies the real CA's name. */
  let forged: X509Certificate;
  let rogue: X509Certificate;

  beforeAll(() => {
    pki = makeTestPki();
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: pki.dir, stdio: 'pipe' });
    ssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'fake-ca.key',
      '-out',
      'fake-ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=Vigil Test CA',
    );
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'forged.key', '-out', 'forged.csr', '-subj', '/CN=localhost');
    ssl(
      'x509',
      '-req',
      '-in',
      'forged.csr',
      '-CA',
      'fake-ca.pem',
      '-CAkey',
      'fake-ca.key',
      '-CAcreateserial',
      '-out',
      'forged.pem',
      '-days',
      '2',
      '-extfile',
      'server.ext',
    );
    const cert = (f: string) => new X509Certificate(readFileSync(f));
    ca = cert(pki.caFile);
    server = cert(pki.serverCert);
    forged = cert(join(pki.dir, 'forged.pem'));
    rogue = cert(pki.rogueCert);
  });
  afterAll(() => pki.remove());

  it('trusts a leaf signed by the pinned CA that names the host', () => {
    expect(verifyPinnedChain([server, ca], ca.fingerprint256, '127.0.0.1')).toBeUndefined();
    expect(verifyPinnedChain([server, ca], ca.fingerprint256.replace(/:/g, '').toLowerCase(), 'localhost')).toBeUndefined();
  });

  it('trusts a pinned leaf itself', () => {
    expect(verifyPinnedChain([server], server.fingerprint256, 'localhost')).toBeUndefined();
  });

  it('refuses a chain where no certificate carries the pinned fingerprint', () => {
    expect(verifyPinnedChain([server, ca], rogue.fingerprint256, 'localhost')).toMatch(/matches tls.caFingerprint/);
  });

  it('refuses a forged leaf sent with the real (public) CA certificate after it', () => {
    // The last certificate of the chain carries the pinned fingerprint, which is all the
    // Elasticsearch client's own caFingerprint check looks at.
    expect(verifyPinnedChain([forged, ca], ca.fingerprint256, 'localhost')).toMatch(/not signed by the CA/);
  });

  it('refuses a certificate that does not name the host', () => {
    expect(verifyPinnedChain([server, ca], ca.fingerprint256, 'es.example.com')).toMatch(/does not name es.example.com/);
  });

  it('refuses a chain outside its validity period', () => {
    const later = new Date(Date.now() + 30 * 24 * 3600 * 1000);
    expect(verifyPinnedChain([server, ca], ca.fingerprint256, 'localhost', later)).toMatch(/not valid now/);
  });
});
