import { Client, type ClientOptions } from '@elastic/elasticsearch';
import type { ElasticsearchConfig } from '../../core/config/types.js';
import { VigilError } from '../../core/errors/index.js';
import { backoffDelay, sleep, type BackoffPolicy } from '../../core/retry/index.js';
import type { Logger } from '../../core/telemetry/index.js';
import { classifyRequestError } from './classify.js';

/**
 * A client for the configured cluster. An API key wins over username/password. The 8.x client
 * refuses servers that do not send `X-Elastic-Product: Elasticsearch` (every ES since 7.14).
 * `overrides` lets the sink turn off the client's own retries, since it retries per item itself.
 */
export function esClient(
  es: Pick<ElasticsearchConfig, 'node' | 'apiKey' | 'username' | 'password'>,
  overrides: Partial<ClientOptions> = {},
): Client {
  const auth = es.apiKey
    ? { apiKey: es.apiKey }
    : es.username !== undefined
      ? { username: es.username, password: es.password ?? '' }
      : undefined;
  return new Client({ node: es.node, ...(auth ? { auth } : {}), ...overrides });
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
