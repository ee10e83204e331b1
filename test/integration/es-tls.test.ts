/**
 * The Elasticsearch client over TLS with an API key, against the REAL local Elasticsearch behind a
 * REAL TLS reverse proxy (Debian's nginx): the local build has no security plugin, so nginx
 * terminates TLS with a certificate from a throwaway CA and refuses requests without the API key.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ElasticsearchConfig } from '../../core/config/types.js';
import { makeTestPki, type TestPki } from '../support/certs.js';
import { esClient } from '../../sinks/elasticsearch/index.js';
import { NGINX, startTlsProxy, type TlsProxy } from '../support/tls-proxy.js';

const ES_URL = process.env.VIGIL_ES_URL ?? 'http://127.0.0.1:9200';
const API_KEY = Buffer.from(`vigil-test:${randomBytes(12).toString('hex')}`).toString('base64');

/** `AB:CD:…` as `openssl x509 -fingerprint -sha256` prints it. */
function opensslFingerprint(pemFile: string): string {
  const out = execFileSync('openssl', ['x509', '-in', pemFile, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' });
  return out.trim().split('=')[1] as string;
}

describe.skipIf(!NGINX)('Elasticsearch over TLS with an API key (nginx in front of the local cluster)', () => {
  let pki: TestPki;
  let proxy: TlsProxy;
  let base: ElasticsearchConfig;

  beforeAll(async () => {
    pki = makeTestPki();
    // A secured Elasticsearch sends its CA after its own certificate; caFingerprint pins that CA.
    const chain = join(pki.dir, 'chain.pem');
    writeFileSync(chain, Buffer.concat([readFileSync(pki.serverCert), readFileSync(pki.caFile)]));
    proxy = await startTlsProxy({ dir: pki.dir, upstream: ES_URL, certChainFile: chain, keyFile: pki.serverKey, apiKey: API_KEY });
    base = { node: proxy.url, indexPrefix: 'unused', apiKey: API_KEY };
  });

  afterAll(async () => {
    await proxy?.stop();
    pki?.remove();
  });

  async function health(cfg: ElasticsearchConfig): Promise<string> {
    const client = esClient(cfg, { maxRetries: 0, requestTimeout: 5000 });
    try {
      return (await client.cluster.health()).cluster_name;
    } finally {
      await client.close();
    }
  }

  it('connects with tls.caFile and sends the API key', async () => {
    await expect(health({ ...base, tls: { caFile: pki.caFile, rejectUnauthorized: true } })).resolves.toEqual(expect.any(String));
  });

  it('connects with tls.caFingerprint, with or without colons, in either case', async () => {
    const fp = opensslFingerprint(pki.caFile);
    await expect(health({ ...base, tls: { caFingerprint: fp, rejectUnauthorized: true } })).resolves.toEqual(expect.any(String));
    const bare = fp.replace(/:/g, '').toLowerCase();
    await expect(health({ ...base, tls: { caFingerprint: bare, rejectUnauthorized: true } })).resolves.toEqual(expect.any(String));
  });

  it('indexes and reads a document through the proxy', async () => {
    const client = esClient({ ...base, tls: { caFile: pki.caFile, rejectUnauthorized: true } }, { maxRetries: 0 });
    const index = `vigil-tls-${Date.now().toString(36)}`;
    try {
      await client.index({ index, id: '1', document: { ok: true }, refresh: true });
      expect((await client.get({ index, id: '1' }))._source).toEqual({ ok: true });
    } finally {
      await client.indices.delete({ index }, { ignore: [404] });
      await client.close();
    }
  });

  it('refuses the node with the system CAs only (its CA is private)', async () => {
    await expect(health(base)).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });

  it('refuses the node with a CA file it does not chain to', async () => {
    await expect(health({ ...base, tls: { caFile: pki.rogueCert, rejectUnauthorized: true } })).rejects.toThrow(
      /self[- ]signed|unable to verify|certificate/i,
    );
  });

  it('refuses the node with a fingerprint that is not its CA', async () => {
    const wrong = new X509Certificate(readFileSync(pki.rogueCert)).fingerprint256;
    await expect(health({ ...base, tls: { caFingerprint: wrong, rejectUnauthorized: true } })).rejects.toThrow(/caFingerprint/);
  });

  it('is refused by the proxy without the API key, so the key above was really sent', async () => {
    const { apiKey: _unused, ...noKey } = base;
    await expect(health({ ...noKey, tls: { caFile: pki.caFile, rejectUnauthorized: true } })).rejects.toMatchObject({
      meta: { statusCode: 401 },
    });
  });
});
