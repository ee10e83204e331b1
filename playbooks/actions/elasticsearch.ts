import { errors } from '@elastic/elasticsearch';
import { VigilError } from '../../core/errors/index.js';
import { classifyRequestError } from '../../sinks/elasticsearch/classify.js';
import { argChecker } from './args.js';
import type { ActionSpec } from './types.js';

const check = argChecker('elasticsearch.query');
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_SIZE = 10;
/** A step result is stored in Redis and the audit trail: hits beyond this are not returned. */
const MAX_SIZE = 1000;

/** The result of `elasticsearch.query`. */
export interface QueryResult {
  /** Matching documents (at least this many when `total_relation` is `gte`). */
  total: number;
  total_relation: 'eq' | 'gte';
  hits: Array<{ _index: string; _id: string; _source: unknown }>;
}

/**
 * `elasticsearch.query`: one search with the worker's client (made by `esClient`, so it uses the
 * configured cluster, credentials and CA). `query` is the Query DSL clause, `size` at most
 * 1000 (default 10), `sort` and `_source` as ES takes them. 4xx answers (a bad query, a missing
 * index, no permission) are ACTION_REJECTED; 429, 5xx, timeouts and network errors ACTION_FAILED.
 */
export const elasticsearchQuery: ActionSpec = {
  description: 'Searches an index and returns {total, total_relation, hits}',
  args: { required: ['index', 'query'], optional: ['size', 'sort', '_source', 'timeout'] },
  inputs: {
    index: { type: 'string', required: true, description: 'an index, alias, data stream or pattern' },
    query: { type: 'object', required: true, description: 'Query DSL, e.g. {term: {source.ip: …}}' },
    size: { type: 'integer', required: false, description: `default ${DEFAULT_SIZE}, at most ${MAX_SIZE}` },
    sort: { type: 'array', required: false },
    _source: { type: 'any', required: false, description: 'false, or field names to return' },
    timeout: { type: 'string', required: false, description: 'default 30s' },
  },
  idempotent: true,
  async run(args, ctx) {
    const index = check.string(args, 'index');
    const { query, size = DEFAULT_SIZE, sort, _source: source } = args;
    if (query === null || typeof query !== 'object' || Array.isArray(query)) return check.reject('query must be a map (Query DSL)');
    if (!Number.isInteger(size) || (size as number) < 0 || (size as number) > MAX_SIZE) check.reject(`size must be 0 to ${MAX_SIZE}`);
    if (sort !== undefined && !Array.isArray(sort)) check.reject('sort must be a list');
    const timeoutMs = check.timeoutMs(args, DEFAULT_TIMEOUT_MS);
    const es = ctx.services?.elasticsearch ?? check.reject('no Elasticsearch client was given to this worker');
    try {
      const res = await es.search(
        {
          index,
          query: query as Record<string, unknown>,
          size: size as number,
          ...(sort === undefined ? {} : { sort: sort as never }),
          ...(source === undefined ? {} : { _source: source as never }),
        },
        { signal: ctx.signal, requestTimeout: timeoutMs, maxRetries: 0 },
      );
      const total = res.hits.total;
      return {
        total: typeof total === 'number' ? total : (total?.value ?? res.hits.hits.length),
        total_relation: typeof total === 'object' && total.relation === 'gte' ? 'gte' : 'eq',
        hits: res.hits.hits.map((h) => ({ _index: h._index, _id: h._id ?? '', _source: h._source })),
      } satisfies QueryResult;
    } catch (err) {
      throw classify(err);
    }
  },
};

function classify(err: unknown): VigilError {
  const { outcome, reason } = classifyRequestError(err);
  const status = err instanceof errors.ResponseError ? (err.statusCode ?? 0) : 0;
  const transient = status === 429 || status === 408 || status >= 500;
  const permanent = (status >= 400 && !transient) || outcome === 'fatal';
  return new VigilError(permanent ? 'ACTION_REJECTED' : 'ACTION_FAILED', `elasticsearch.query: ${reason}`, { cause: err });
}
