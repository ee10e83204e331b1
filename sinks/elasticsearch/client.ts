import { Client, type ClientOptions, type UndiciAgentOptions } from '@elastic/elasticsearch';
import { VigilError } from '../../core/errors/index.js';
import { backoffDelay, sleep, type BackoffPolicy } from '../../core/retry/index.js';
import type { Logger } from '../../core/telemetry/index.js';
import { classifyRequestError } from './classify.js';
import { resolveConnection, type ConnectionOptions } from './config.js';
import { pinnedCaConnector } from './pinned-ca.js';

/**
 * The one way Vigil makes a client for the configured cluster: authentication (an API key wins
 * over username/password) and certificate trust (`tls.caFile`, a pinned `tls.caFingerprint`, or
 * the system CAs) come from `elasticsearch` in vigil.yaml. The 8.x client refuses servers that do
 * not send `X-Elastic-Product: Elasticsearch` (every ES since 7.14). `overrides` lets the sink
 * turn off the client's own retries, since it retries per item itself.
 */
export function esClient(es: ConnectionOptions, overrides: Partial<ClientOptions> = {}): Client {
  const { node, auth, trust } = resolveConnection(es);
  const tlsOptions: Partial<ClientOptions> =
    trust.kind === 'ca'
      ? { tls: { ca: trust.ca, rejectUnauthorized: true } }
      : trust.kind === 'fingerprint'
        ? // The transport spreads `agent` into undici's Pool options, whose `connect` may be a
          // connector function; the typings list only the numeric options. es-tls.test.ts covers it.
          { agent: { connect: pinnedCaConnector(trust.fingerprint) } as UndiciAgentOptions }
        : trust.kind === 'system'
          ? { tls: { rejectUnauthorized: trust.rejectUnauthorized } }
          : {};
  return new Client({ node, ...(auth ? { auth } : {}), ...tlsOptions, ...overrides });
}

/** Redacts credentials embedded in a node URL before it is logged. */
export function displayNode(node: string): string {
  try {
    const u = new URL(node);
    if (u.username || u.password) {
      u.username = '***';
      u.password = '';
    }
    return u.toString().replace(/\/$/, '');
  } catch {
    return node;
  }
}

/**
 * Waits until the cluster answers `GET /_cluster/health` (the minimal build may lack `GET /`).
 * An unreachable or overloaded cluster is retried with backoff and one clear warning per
 * attempt naming the node; wrong credentials or a server that is not Elasticsearch fail at once.
 * `timeoutMs` 0 waits until `signal` aborts.
 */
export async function waitForElasticsearch(
  client: Client,
  node: string,
  opts: { log: Logger; timeoutMs: number; policy: BackoffPolicy; signal?: AbortSignal },
): Promise<{ clusterName: string; status: string }> {
  const started = Date.now();
  const where = `Elasticsearch at ${displayNode(node)}`;
  for (let attempt = 1; ; attempt++) {
    try {
      const h = await client.cluster.health({ timeout: '5s' });
      if (attempt > 1) opts.log.info({ node: displayNode(node), cluster: h.cluster_name, status: h.status }, `${where} is reachable`);
      return { clusterName: h.cluster_name, status: h.status };
    } catch (err) {
      const c = classifyRequestError(err);
      if (c.outcome === 'fatal') {
        throw new VigilError('SERVICE_UNAVAILABLE', `${where} cannot be used: ${c.reason}`, { cause: err, retriable: false });
      }
      if (c.outcome === 'auth') {
        throw new VigilError('SERVICE_UNAVAILABLE', `${where} refused the credentials: ${c.reason}`, { cause: err, retriable: false });
      }
      const waited = Date.now() - started;
      if (opts.signal?.aborted || (opts.timeoutMs > 0 && waited >= opts.timeoutMs)) {
        throw new VigilError('SERVICE_UNAVAILABLE', `${where} is unreachable after ${Math.round(waited / 1000)} s: ${c.reason}`, {
          cause: err,
        });
      }
      const delay = backoffDelay(attempt, opts.policy);
      opts.log.warn({ node: displayNode(node), attempt, delayMs: delay, kind: c.kind, err: c.reason }, `${where} is unreachable; retrying`);
      await sleep(delay, opts.signal);
    }
  }
}
