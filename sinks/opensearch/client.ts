import { readFileSync } from 'node:fs';
import { Client } from '@opensearch-project/opensearch';
import { VigilError, errorMessage } from '../../core/errors/index.js';
import type { OpenSearchSinkConfig } from './config.js';
import type { BulkItem } from './classify.js';

/** The two calls the sink makes, behind an interface so that delivery can be tested without a cluster. */
export interface OpenSearchTransport {
  /** POSTs an NDJSON `_bulk` body; resolves with the items in order, rejects when the request failed as a whole. */
  bulk(body: string, signal: AbortSignal): Promise<BulkItem[]>;
  /** Resolves with the cluster's name and version once it answers. */
  info(): Promise<{ cluster: string; version: string; distribution: string }>;
  close(): Promise<void>;
}

/** A client of the sink's node, with its credentials and CA; the sink retries itself, so the client does not. */
export function openSearchClient(sink: OpenSearchSinkConfig): OpenSearchTransport {
  let ca: Buffer | undefined;
  if (sink.tls?.caFile !== undefined) {
    try {
      ca = readFileSync(sink.tls.caFile);
    } catch (err) {
      throw new VigilError('SINK_CONFIG', `opensearch sink ${sink.id}: cannot read tls.caFile ${sink.tls.caFile}: ${errorMessage(err)}`, {
        location: { path: `sinks[${sink.id}].tls.caFile` },
      });
    }
  }
  const client = new Client({
    node: sink.node,
    ...(sink.username !== undefined ? { auth: { username: sink.username, password: sink.password ?? '' } } : {}),
    ...(ca || sink.tls ? { ssl: { ...(ca ? { ca } : {}), rejectUnauthorized: sink.tls?.rejectUnauthorized ?? true } } : {}),
    maxRetries: 0,
    requestTimeout: sink.requestTimeoutSeconds * 1000,
    compression: 'gzip',
  });
  return {
    async bulk(body, signal) {
      // The NDJSON as built, through the transport: `client.bulk` types its body as an array of objects to serialize again.
      const req = client.transport.request({ method: 'POST', path: '/_bulk', bulkBody: body });
      const abort = () => req.abort();
      signal.addEventListener('abort', abort, { once: true });
      try {
        const res = await req;
        const items = (res.body as { items?: Array<Record<string, BulkItem>> }).items ?? [];
        return items.map((i) => Object.values(i)[0] ?? { status: 0, error: { type: 'missing_item', reason: 'no result for this item' } });
      } finally {
        signal.removeEventListener('abort', abort);
      }
    },
    async info() {
      const res = await client.info();
      const b = res.body as { cluster_name?: string; version?: { number?: string; distribution?: string } };
      return {
        cluster: b.cluster_name ?? '?',
        version: b.version?.number ?? '?',
        distribution: b.version?.distribution ?? 'elasticsearch',
      };
    },
    close: () => client.close(),
  };
}
