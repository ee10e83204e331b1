import { X509Certificate } from 'node:crypto';
import { isIP, type Socket } from 'node:net';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import { buildConnector } from 'undici';

/** Lower-case hex without colons, the form fingerprints are compared in. */
export function normalizeFingerprint(fp: string): string {
  return fp.replace(/:/g, '').toLowerCase();
}

/**
 * Checks a certificate chain as the server sent it (leaf first) against a pinned SHA-256
 * fingerprint: some certificate of the chain must carry it, every certificate below it must be
 * signed by the next one (which must be a CA), all of them must be valid `now`, and the leaf must
 * name `host`. Returns what is wrong, or undefined when the chain is trusted.
 *
 * The Elasticsearch client's own `caFingerprint` only compares the fingerprint of the last
 * certificate the server sent, without checking signatures or the host name: a server could send
 * the real (public) CA certificate after a leaf of its own. Here the pinned certificate is the
 * trust anchor and the rest of the chain is verified against it.
 */
export function verifyPinnedChain(
  chain: readonly X509Certificate[],
  fingerprint: string,
  host: string,
  now = new Date(),
): string | undefined {
  const want = normalizeFingerprint(fingerprint);
  const anchor = chain.findIndex((c) => normalizeFingerprint(c.fingerprint256) === want);
  if (anchor < 0) return 'no certificate the server presented matches tls.caFingerprint';
  for (let i = 0; i <= anchor; i++) {
    const cert = chain[i] as X509Certificate;
    if (now < new Date(cert.validFrom) || now > new Date(cert.validTo)) {
      return `certificate "${cert.subject}" is not valid now (valid ${cert.validFrom} to ${cert.validTo})`;
    }
    if (i === anchor) break;
    const issuer = chain[i + 1] as X509Certificate;
    if (!issuer.ca || !cert.checkIssued(issuer) || !cert.verify(issuer.publicKey)) {
      return `certificate "${cert.subject}" is not signed by the CA "${issuer.subject}" that follows it`;
    }
  }
  const leaf = chain[0] as X509Certificate;
  const named = isIP(host) ? leaf.checkIP(host) : leaf.checkHost(host);
  return named === undefined ? `the server certificate does not name ${host}` : undefined;
}

/** The chain a TLS peer sent, leaf first, as parsed certificates. */
export function peerChain(socket: TLSSocket): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert?.raw && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    chain.push(new X509Certificate(cert.raw));
    cert = cert.issuerCertificate;
  }
  return chain;
}

type Connector = ReturnType<typeof buildConnector>;

/**
 * An undici connector that trusts exactly the certificates chaining to the pinned one (see
 * `verifyPinnedChain`). OpenSSL's own verification is off because the pinned CA is not in any
 * trust store; sessions are not cached, so that every connection is checked.
 */
export function pinnedCaConnector(fingerprint: string): Connector {
  const connect = buildConnector({ rejectUnauthorized: false, maxCachedSessions: 0 });
  return (opts, callback) => {
    connect(opts, (err, socket) => {
      if (err !== null) return callback(err, null);
      const tlsSocket = socket as Socket as TLSSocket;
      if (typeof tlsSocket.getPeerCertificate !== 'function') return callback(null, socket);
      const problem = verifyPinnedChain(peerChain(tlsSocket), fingerprint, opts.servername || opts.hostname);
      if (problem === undefined) return callback(null, socket);
      socket.destroy();
      callback(new Error(`TLS: ${problem}`), null);
    });
  };
}
