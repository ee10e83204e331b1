import type { Client, estypes } from '@elastic/elasticsearch';
import type { Bus } from '../../core/bus/index.js';
import type { ElasticsearchConfig } from '../../core/config/types.js';
import { VigilError } from '../../core/errors/index.js';
import { withRetry } from '../../core/retry/index.js';
import { logger, type Logger } from '../../core/telemetry/index.js';
import { startSinkRunner } from '../runner/index.js';
import { classifyRequestError } from './classify.js';
import { displayNode, esClient, waitForElasticsearch } from './client.js';
import { resolveSinkConfig, type ElasticsearchSinkOptions, type IndexedTopic, type ResolvedSinkConfig } from './config.js';
import { keepAnalystEdits, type CurrentDoc, type MgetFn } from './analyst-edits.js';
import { deliveryTimeoutMs, esDelivery, type BulkResult } from './deliver.js';
import { encodeTarget, type EncodeTarget } from './encode.js';
import { ecsMappings, ilmPolicy, indexTemplates, type FieldCapabilities } from './template.js';

/**
 * The Elasticsearch sink: reads Vigil topics and bulk-indexes them, one index (or data stream)
 * per topic, with deterministic `_id`s so that replays do not duplicate. It runs on the shared
 * sink runner (sinks/runner), which commits a partition's offset only once Elasticsearch
 * confirmed every document of the batch or it was dead-lettered; deliver.ts is what it gives the
 * runner.
 *
 * What the minimal integ-test-zip build 8.19.7 (modules: transport-netty4, x-pack-core,
 * x-pack-security, apm) did and did not do, as seen from this sink:
 * - `match_only_text` and `wildcard` are absent: `_simulate` answers 400 mapper_parsing_exception
 *   "The mapper type [match_only_text] declared on field [probe] does not exist. It might have been
 *   created within a future version or requires a plugin to be installed." The probe at start
 *   then picks `text` for `message` and `keyword` (+ `.text`) for command lines.
 * - Composable templates, `_simulate`, `_bulk`, `_count`, `_search` (term on ip with CIDR) work.
 * - ILM is absent: `PUT _ilm/policy/x` answers 400 "no handler found for uri [/_ilm/policy/x] and
 *   method [PUT]". No ILM call is made unless `ilm` is configured; then start fails with that.
 * - Data streams half exist: a template with `data_stream: {}` is accepted and a bulk `create`
 *   auto-creates the stream and its `.ds-` backing index, but there is no `_data_stream` API
 *   (`GET`/`DELETE /_data_stream/x` answer 405/400), so such a stream cannot be deleted again.
 * - `GET /` answers 405 ("allowed: [DELETE]"): readiness uses `GET /_cluster/health`.
 */

/**
 * What one fetch from Kafka brings per partition, and so the most one batch holds: about 7,000
 * documents of ~600 bytes, three and a half requests of `batchSize` 2000. The batch's short last
 * request goes beside the next batch's first (IN_FLIGHT_BATCHES), so a batch need not be a whole
 * number of requests; memory is up to (IN_FLIGHT_BATCHES + 1) fetches per partition, the one
 * kafkajs holds until there is room included. kafkajs caps a whole fetch at 10 MiB.
 */
const FETCH_BYTES_PER_PARTITION = 4 * 1_048_576;

/**
 * Batches of one partition in delivery at once: one being indexed while the next is fetched and
 * encoded, so that Elasticsearch is not left idle between them. More would only hold more
 * fetches in memory: the requests in flight are bounded by `concurrency` per partition anyway
 * (sinks/runner/partition-slots.ts). Incidents take 1: a later version of an incident overwrites the earlier,
 * so their batches must land in order (the next is still fetched while one is delivered).
 */
const IN_FLIGHT_BATCHES = 2;

/** The parts of a `_bulk` answer deliver.ts reads: each item's operation, status and error. */
const BULK_FILTER_PATH = 'items.*.status,items.*.error';

export interface StartElasticsearchSinkOptions {
  sink: ElasticsearchSinkOptions;
  es: ElasticsearchConfig;
  bus: Bus;
  /** Aborts a start that is still waiting for the cluster. */
  signal?: AbortSignal;
}

export interface RunningElasticsearchSink {
  /** Stops consuming (the batch in progress finishes or is left uncommitted) and closes the client. */
  close(): Promise<void>;
  /** Index (or data stream) name per logical topic. */
  readonly indices: Readonly<Partial<Record<string, string>>>;
  /** The field types the cluster supports, as probed at start. */
  readonly capabilities: FieldCapabilities;
  /** The consumer group id, for tools and tests. */
  readonly groupName: string;
}

/** Runs an admin call, retrying while the cluster is unreachable or overloaded; refusals throw at once. */
async function adminCall<T>(what: string, cfg: ResolvedSinkConfig, log: Logger, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  return withRetry(fn, {
    policy: cfg.retryBackoff,
    signal,
    shouldRetry: (err) => classifyRequestError(err).outcome === 'retry',
    onRetry: (err, attempt, delayMs) => log.warn({ attempt, delayMs, err: classifyRequestError(err).reason }, `${what} failed; retrying`),
  }).catch((err: unknown) => {
    const c = classifyRequestError(err);
    throw new VigilError('SINK_CONFIG', `${what} failed: ${c.reason}`, { cause: err, retriable: c.outcome === 'retry' });
  });
}

/** Whether the cluster knows a field type: a template simulation with one field of that type. */
async function supportsFieldType(client: Client, type: string, log: Logger): Promise<boolean> {
  try {
    await client.indices.simulateTemplate({
      // A pattern no real index matches, at a priority no template of ours uses.
      index_patterns: [`vigil-capability-probe-${type}-*`],
      priority: 987_654,
      template: { mappings: { properties: { probe: { type } as never } } },
    });
    return true;
  } catch (err) {
    const c = classifyRequestError(err);
    if (c.outcome !== 'split') throw err; // not a 400: the cluster, not the type, is the problem
    log.info({ fieldType: type, reason: c.reason }, `field type ${type} is not supported by this cluster; using a fallback`);
    return false;
  }
}

export async function probeCapabilities(client: Client, log: Logger): Promise<FieldCapabilities> {
  const [matchOnlyText, wildcard] = [
    await supportsFieldType(client, 'match_only_text', log),
    await supportsFieldType(client, 'wildcard', log),
  ];
  return { matchOnlyText, wildcard };
}

/** Puts the ILM policy (when the sink manages it) and the index templates. Idempotent. */
export async function installTemplates(
  client: Client,
  cfg: ResolvedSinkConfig,
  caps: FieldCapabilities,
  log: Logger,
  signal?: AbortSignal,
): Promise<string[]> {
  if (cfg.ilm) {
    const policy = ilmPolicy(cfg.ilm);
    // Only when configured: the minimal build has no ILM at all.
    if (policy) {
      await adminCall(
        `PUT _ilm/policy/${cfg.ilm.policy}`,
        cfg,
        log,
        () => client.ilm.putLifecycle({ name: cfg.ilm!.policy, policy }),
        signal,
      );
    }
  }
  const templates = indexTemplates(cfg, caps);
  for (const t of templates) {
    await adminCall(`PUT _index_template/${t.name}`, cfg, log, () => client.indices.putIndexTemplate({ name: t.name, ...t.body }), signal);
  }
  log.info(
    { templates: templates.map((t) => t.name), dataStream: cfg.dataStream, ilm: cfg.ilm?.policy ?? null, capabilities: caps },
    'index templates in place',
  );
  if (cfg.topics.includes('incidents')) await addIncidentFields(client, cfg, caps, log, signal);
  return templates.map((t) => t.name);
}

/**
 * Maps the incident fields on an incidents index that already exists. Templates apply to new
 * indices only, and the incidents index is one plain index that lives on across versions: a field
 * added since would otherwise be mapped by guess on its first value (`minutes_to_resolve: 35` as a
 * `long`, which then truncates 35.5 in aggregations). Adding fields is allowed on a live index;
 * a field already mapped another way keeps its type (only a reindex changes it), said in a warning.
 */
async function addIncidentFields(client: Client, cfg: ResolvedSinkConfig, caps: FieldCapabilities, log: Logger, signal?: AbortSignal) {
  const index = encodeTarget(cfg, 'incidents').index;
  const exists = await adminCall(`HEAD ${index}`, cfg, log, () => client.indices.exists({ index }), signal);
  if (!exists) return;
  const incident = ecsMappings(caps).properties as { incident: { properties: Record<string, estypes.MappingProperty> } };
  const fields = Object.entries(incident.incident.properties);
  const put = (props: Record<string, estypes.MappingProperty>) =>
    client.indices.putMapping({ index, properties: { incident: { properties: props } } });
  try {
    await adminCall(`PUT ${index}/_mapping`, cfg, log, () => put(Object.fromEntries(fields)), signal);
    return;
  } catch (err) {
    if (!(err instanceof VigilError) || err.retriable) throw err;
  }
  // One field conflicts: add the others one by one, so that it alone is left out.
  for (const [name, mapping] of fields) {
    try {
      await adminCall(`PUT ${index}/_mapping incident.${name}`, cfg, log, () => put({ [name]: mapping }), signal);
    } catch (err) {
      if (!(err instanceof VigilError) || err.retriable) throw err;
      log.warn(
        { index, field: `incident.${name}`, err: err.message },
        'incident field mapped another way on the existing index; reindex to change it',
      );
    }
  }
}

export async function startElasticsearchSink(opts: StartElasticsearchSinkOptions): Promise<RunningElasticsearchSink> {
  const cfg = resolveSinkConfig(opts.sink, opts.es);
  const log = logger('sink', { id: cfg.id, type: 'elasticsearch' });
  // The sink retries per item itself: the client's own retries would hide failures and multiply waits.
  const client = esClient(opts.es, { maxRetries: 0, requestTimeout: cfg.requestTimeoutMs });
  try {
    const health = await waitForElasticsearch(client, opts.es.node, {
      log,
      timeoutMs: cfg.startTimeoutMs,
      policy: { ...cfg.retryBackoff, maxMs: Math.max(cfg.retryBackoff.maxMs, 5000) },
      signal: opts.signal,
    });
    const caps = await probeCapabilities(client, log);
    await installTemplates(client, cfg, caps, log, opts.signal);

    const targets = new Map<IndexedTopic, EncodeTarget>(cfg.topics.map((t) => [t, encodeTarget(cfg, t)]));
    const indices: Partial<Record<string, string>> = Object.fromEntries([...targets].map(([t, target]) => [t, target.index]));
    const loop = await startSinkRunner({
      id: cfg.id,
      type: 'elasticsearch',
      bus: opts.bus,
      topics: cfg.topics,
      ...esDelivery({
        targets,
        concurrency: cfg.concurrency,
        log,
        bulk: (body, signal) =>
          client.transport.request<BulkResult>(
            // Each item's status and error only, what deliver.ts reads: far less for Elasticsearch to write and for us to parse.
            { method: 'POST', path: '/_bulk', bulkBody: body, querystring: { filter_path: BULK_FILTER_PATH } },
            signal ? { signal } : {},
          ),
        // Incidents never go to a data stream: their documents are written with `index`, which the guard makes conditional.
        ...(indices.incidents !== undefined ? { prepare: keepAnalystEdits(indices.incidents, mgetCurrent(client)) } : {}),
      }),
      batchSize: cfg.batchSize,
      maxBytesPerPartition: FETCH_BYTES_PER_PARTITION,
      inFlightBatches: (topic) => (topic === opts.bus.topics.incidents ? 1 : IN_FLIGHT_BATCHES),
      maxRetries: cfg.maxRetries,
      backoff: cfg.retryBackoff,
      timeoutMs: deliveryTimeoutMs(cfg.requestTimeoutMs),
      // No routes, so no route counts to publish.
      statsIntervalMs: 0,
      onClose: () => client.close(),
      log,
    });
    log.info(
      { node: displayNode(opts.es.node), cluster: health.clusterName, status: health.status, indices },
      'elasticsearch sink started',
    );
    return { indices, capabilities: caps, groupName: loop.groupName, close: () => loop.close() };
  } catch (err) {
    await client.close().catch(() => undefined);
    throw err;
  }
}

/** Realtime mget of the given fields; a document that cannot be read (no index yet) counts as absent. */
function mgetCurrent(client: Client): MgetFn {
  return async (index, ids, sourceFields) => {
    const res = await client.mget({ index, ids, _source_includes: sourceFields, realtime: true });
    return res.docs.map((d) => ('found' in d ? (d as CurrentDoc) : { _id: d._id, found: false }));
  };
}
