import { readFileSync } from 'node:fs';
import { elasticsearchConnectionProblems } from '../../core/config/connection-rules.js';
import { array, number, object, oneOf, string, type Infer } from '../../core/config/dsl.js';
import { componentId } from '../../core/config/fields.js';
import { VIGIL_TOPICS } from '../../core/config/schema.js';
import type { ElasticsearchConfig } from '../../core/config/types.js';
import { VigilError, type ErrorCode } from '../../core/errors/index.js';
import type { BackoffPolicy } from '../../core/retry/index.js';

/** Documents per bulk request (bench/es-sink.ts, bench/README.md). */
export const DEFAULT_BATCH_SIZE = 2000;
/** Bulk requests in flight per partition. */
export const DEFAULT_CONCURRENCY = 2;

export const schema = object({
  description: 'Indexes Vigil topics into the `elasticsearch` cluster.',
  fields: {
    id: componentId('sink'),
    topics: array({
      description: 'Which Vigil topics to index; `deadletter` indexes `vigil.deadletter` (what every stage could not process).',
      items: oneOf({ description: 'A Vigil topic.', values: [...VIGIL_TOPICS, 'deadletter'] }),
      minItems: 1,
      default: [...VIGIL_TOPICS, 'deadletter'],
    }),
    batchSize: number({
      description:
        'Documents per bulk request. Elasticsearch pays for each request (parsing it, a translog fsync per shard), not only for each document: larger requests leave more of the node to indexing.',
      int: true,
      min: 1,
      max: 10000,
      default: DEFAULT_BATCH_SIZE,
    }),
    concurrency: number({
      description: `Bulk requests in flight per partition: a partition's batch being indexed and the next one (fetched and encoded meanwhile) share them, so Elasticsearch is not left idle between batches. The partitions go at once, so the cluster sees up to partitions × concurrency requests; more only queue on a node of few cores. Default ${DEFAULT_CONCURRENCY}.`,
      int: true,
      min: 1,
      max: 16,
      optional: true,
    }),
    maxRetries: number({
      description: 'Attempts for a retriable failure before the document is dead-lettered.',
      int: true,
      min: 0,
      max: 100,
      default: 8,
    }),
    elasticSecurity: object({
      description:
        'Write events and alerts where Elastic Security reads them: `logs-vigil.events-<namespace>` and `logs-vigil.alerts-<namespace>`, matched by its default `logs-*` index pattern, instead of `<indexPrefix>-events` and `<indexPrefix>-alerts`. Give a second sink these topics to write both.',
      optional: true,
      fields: {
        namespace: string({
          description: 'The data stream namespace: lowercase letters, digits and `_`, at most 100 characters; Elastic’s own is `default`.',
        }),
      },
    }),
  },
});

/** A `type: elasticsearch` sink, as loaded. */
export type ElasticsearchSinkConfig = { type: 'elasticsearch' } & Infer<typeof schema>;

/** The Vigil topics this sink can index, by logical name. */
export type IndexedTopic = 'events' | 'alerts' | 'incidents' | 'actions' | 'deadletter';
export const INDEXED_TOPICS: readonly IndexedTopic[] = ['events', 'alerts', 'incidents', 'actions', 'deadletter'];

/** The topics `elasticSecurity` sends to `logs-vigil.<topic>-<namespace>`. */
export const SECURITY_TOPICS: readonly IndexedTopic[] = ['events', 'alerts'];

/**
 * An ILM policy for real clusters. Only used with `dataStream: true`: rollover needs a data
 * stream (or a write alias, which we do not manage), and a delete phase on a plain index that
 * never rolls over would delete every event at once.
 */
export interface IlmOptions {
  /** Policy name written into the template as `index.lifecycle.name`. Required. */
  policy: string;
  /**
   * When set, the sink PUTs the policy itself (idempotent); otherwise the policy must exist
   * (managed by the cluster's owners). Omit to reference a policy without creating it.
   */
  create?: {
    /** Roll the backing index over at this age, e.g. `1d`. Default `1d`. */
    rolloverMaxAge?: string;
    /** ...or at this primary shard size, e.g. `50gb`. Default `50gb`. */
    rolloverMaxPrimaryShardSize?: string;
    /** Delete backing indices this long after rollover, e.g. `30d`. Default: never. */
    deleteAfter?: string;
  };
}

/**
 * Options of the Elasticsearch sink beyond `ElasticsearchSinkConfig` (core/config). They are
 * optional so that a loaded `vigil.yaml` sink works as is; the config schema should grow them
 * (owned by core/config, not by this folder).
 */
export interface ElasticsearchSinkExtras {
  /**
   * Write events, alerts and actions to data streams (`op_type: create`). Default false.
   * A deterministic `_id` then deduplicates through a create conflict (409), which the sink
   * counts as "already written". Incidents always go to a plain index, because they are
   * overwritten with their latest state and data streams are append-only.
   * Needs the x-pack data-streams plugin: absent from the minimal integ-test-zip build.
   */
  dataStream?: boolean;
  /** ILM for real clusters; requires `dataStream: true`. Default none: no ILM API is called. */
  ilm?: IlmOptions;
  /**
   * Index template priority. Default 200 + 2 × the prefix length: above Elastic's built-in
   * templates (100), and a longer (more specific) prefix wins, so `vigil-*` and `vigil-demo-*`
   * never share a priority, which Elasticsearch refuses for overlapping patterns. The
   * data-stream template takes the odd number above.
   */
  templatePriority?: number;
  /** Primary shards of each new index / backing index. Default 1. */
  shards?: number;
  /** Replicas. Default 1 (yellow on a single node; harmless). */
  replicas?: number;
  /** Timeout of one bulk request in ms. Default 30000. */
  requestTimeoutMs?: number;
  /** Backoff between retries of failed items and failed requests. Default 200 ms doubling to 10 s, jitter 0.5. */
  retryBackoff?: BackoffPolicy;
  /** Give up starting after this many ms of an unreachable cluster. Default 0: keep trying until aborted. */
  startTimeoutMs?: number;
}

export type ElasticsearchSinkOptions = ElasticsearchSinkConfig & ElasticsearchSinkExtras;

/** Everything the sink needs, with defaults applied and validated. */
export interface ResolvedSinkConfig {
  id: string;
  topics: IndexedTopic[];
  batchSize: number;
  concurrency: number;
  maxRetries: number;
  indexPrefix: string;
  dataStream: boolean;
  ilm: IlmOptions | undefined;
  templatePriority: number;
  shards: number;
  replicas: number;
  requestTimeoutMs: number;
  retryBackoff: BackoffPolicy;
  startTimeoutMs: number;
  /** The data stream namespace when events and alerts go to Elastic Security's `logs-*` names; undefined otherwise. */
  securityNamespace: string | undefined;
}

export const DEFAULT_SINK_BACKOFF: BackoffPolicy = { initialMs: 200, maxMs: 10_000, factor: 2, jitter: 0.5 };

/** Index names: lowercase, no `\ / * ? " < > | , #`, no leading `-_+`, and not `.`/`..` (ES index naming rules). */
const INDEX_PREFIX = /^[a-z0-9][a-z0-9._-]*$/;
/** A data stream namespace (Elastic's naming scheme): no `-`, which separates type, dataset and namespace. */
const NAMESPACE = /^[a-z0-9_]{1,100}$/;

/** Applies defaults and checks what the loader cannot know about this sink; reports every problem at once. */
export function resolveSinkConfig(sink: ElasticsearchSinkOptions, es: ElasticsearchConfig): ResolvedSinkConfig {
  const problems: string[] = [];
  const path = `sinks[${sink.id}]`;
  const topics = sink.topics && sink.topics.length > 0 ? [...new Set(sink.topics)] : [...INDEXED_TOPICS];
  for (const t of topics) if (!INDEXED_TOPICS.includes(t)) problems.push(`${path}.topics: unknown topic "${t}"`);
  const indexPrefix = es.indexPrefix || 'vigil';
  if (!INDEX_PREFIX.test(indexPrefix)) {
    problems.push(`elasticsearch.indexPrefix: "${indexPrefix}" is not a valid index name prefix (lowercase letters, digits, . _ -)`);
  }
  const batchSize = sink.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) problems.push(`${path}.batchSize: must be an integer >= 1`);
  const maxRetries = sink.maxRetries ?? 8;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) problems.push(`${path}.maxRetries: must be an integer >= 0`);
  const dataStream = sink.dataStream ?? false;
  if (sink.ilm && !dataStream) problems.push(`${path}.ilm: requires dataStream: true (rollover needs a data stream)`);
  if (sink.ilm && !sink.ilm.policy) problems.push(`${path}.ilm.policy: required`);
  const securityNamespace = sink.elasticSecurity?.namespace;
  if (securityNamespace !== undefined && !NAMESPACE.test(securityNamespace)) {
    problems.push(
      `${path}.elasticSecurity.namespace: "${securityNamespace}" is not a data stream namespace (lowercase letters, digits, _)`,
    );
  }
  if (problems.length > 0) throw new VigilError('SINK_CONFIG', problems.join('; '), { location: { path } });
  return {
    id: sink.id,
    topics,
    batchSize,
    concurrency: sink.concurrency ?? DEFAULT_CONCURRENCY,
    maxRetries,
    indexPrefix,
    dataStream,
    ilm: sink.ilm,
    templatePriority: sink.templatePriority ?? 200 + 2 * indexPrefix.length,
    shards: sink.shards ?? 1,
    replicas: sink.replicas ?? 1,
    requestTimeoutMs: sink.requestTimeoutMs ?? 30_000,
    retryBackoff: sink.retryBackoff ?? DEFAULT_SINK_BACKOFF,
    startTimeoutMs: sink.startTimeoutMs ?? 0,
    securityNamespace,
  };
}

/** `<prefix>-events` etc.: one index (or data stream) per topic. */
export function indexName(prefix: string, topic: IndexedTopic): string {
  return `${prefix}-${topic}`;
}

/** Elastic's data stream naming scheme, `<type>-<dataset>-<namespace>`, for events and alerts. */
export function securityIndexName(topic: IndexedTopic, namespace: string): string {
  return `logs-vigil.${topic}-${namespace}`;
}

/** Where one topic's documents go for this sink. */
export function targetIndex(cfg: Pick<ResolvedSinkConfig, 'indexPrefix' | 'securityNamespace'>, topic: IndexedTopic): string {
  return cfg.securityNamespace !== undefined && SECURITY_TOPICS.includes(topic)
    ? securityIndexName(topic, cfg.securityNamespace)
    : indexName(cfg.indexPrefix, topic);
}

/** Incidents are overwritten with their latest state, so they never go to a data stream. */
export function usesDataStream(cfg: Pick<ResolvedSinkConfig, 'dataStream'>, topic: IndexedTopic): boolean {
  return cfg.dataStream && topic !== 'incidents';
}

/** How to reach and authenticate to the cluster: what `esClient` builds a client from. */
export interface ResolvedConnection {
  node: string;
  auth: { apiKey: string } | { username: string; password: string } | undefined;
  /** How the node certificate is trusted; `system` uses Node's CA store. */
  trust:
    | { kind: 'system'; rejectUnauthorized: boolean }
    | { kind: 'ca'; ca: Buffer }
    | { kind: 'fingerprint'; fingerprint: string }
    | { kind: 'none' };
}

export type ConnectionOptions = Pick<ElasticsearchConfig, 'node' | 'apiKey' | 'username' | 'password' | 'tls'>;

/**
 * Checks the cluster connection options together (the same rules as at load time, for configs
 * built in code) and reads the CA file; every problem is reported at once. An API key wins over
 * username/password (both may come from the environment).
 */
export function resolveConnection(es: ConnectionOptions): ResolvedConnection {
  const problems: Array<{ code: ErrorCode; message: string }> = elasticsearchConnectionProblems(es).map((p) => ({
    code: p.code,
    message: `elasticsearch.${p.field}: ${p.message}`,
  }));
  const tls = es.tls;
  const https = es.node.startsWith('https:');
  let ca: Buffer | undefined;
  if (tls?.caFile !== undefined) {
    try {
      ca = readFileSync(tls.caFile);
    } catch (err) {
      problems.push({
        code: 'CONFIG_READ',
        message: `elasticsearch.tls.caFile: cannot read ${tls.caFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      });
    }
  }
  if (problems.length > 0) {
    const [first] = problems as [{ code: ErrorCode; message: string }];
    throw new VigilError(first.code, problems.map((p) => p.message).join('; '), { location: { path: 'elasticsearch' } });
  }
  const auth = es.apiKey
    ? { apiKey: es.apiKey }
    : es.username !== undefined
      ? { username: es.username, password: es.password ?? '' }
      : undefined;
  const trust: ResolvedConnection['trust'] = !https
    ? { kind: 'none' }
    : ca
      ? { kind: 'ca', ca }
      : tls?.caFingerprint
        ? { kind: 'fingerprint', fingerprint: tls.caFingerprint }
        : { kind: 'system', rejectUnauthorized: tls?.rejectUnauthorized !== false };
  return { node: es.node, auth, trust };
}
