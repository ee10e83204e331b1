import { errors } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { classifyItem, classifyRequestError, describeCause, type ItemResult, type Outcome } from './classify.js';

const err = (type: string, reason = `${type} reason`, caused_by?: ItemResult['error']) => ({
  type,
  reason,
  ...(caused_by ? { caused_by } : {}),
});

// One row per ES status / error type the sink must handle.
const ITEM_TABLE: Array<[string, ItemResult, Outcome, string]> = [
  ['201 created', { op: 'index', status: 201 }, 'ok', 'ok'],
  ['200 overwritten', { op: 'index', status: 200 }, 'ok', 'ok'],
  ['200 deleted', { op: 'delete', status: 200 }, 'ok', 'ok'],
  ['409 on create = duplicate', { op: 'create', status: 409, error: err('version_conflict_engine_exception') }, 'ok', 'duplicate'],
  ['404 on delete = already gone', { op: 'delete', status: 404 }, 'ok', 'already_deleted'],
  [
    '409 on index (external versioning only)',
    { op: 'index', status: 409, error: err('version_conflict_engine_exception') },
    'retry',
    'version_conflict_engine_exception',
  ],
  [
    '429 rejected execution',
    { op: 'index', status: 429, error: err('es_rejected_execution_exception') },
    'retry',
    'es_rejected_execution_exception',
  ],
  ['429 without a type', { op: 'index', status: 429 }, 'retry', 'http_429'],
  ['429 circuit breaker', { op: 'index', status: 429, error: err('circuit_breaking_exception') }, 'retry', 'circuit_breaking_exception'],
  ['500 internal', { op: 'index', status: 500, error: err('exception') }, 'retry', 'exception'],
  [
    '503 unavailable shards',
    { op: 'index', status: 503, error: err('unavailable_shards_exception') },
    'retry',
    'unavailable_shards_exception',
  ],
  ['504 gateway timeout', { op: 'create', status: 504 }, 'retry', 'http_504'],
  ['408 request timeout', { op: 'index', status: 408 }, 'retry', 'http_408'],
  ['timeout_exception with a 400-ish status', { op: 'index', status: 400, error: err('timeout_exception') }, 'retry', 'timeout_exception'],
  ['403 index write block', { op: 'index', status: 403, error: err('cluster_block_exception') }, 'retry', 'cluster_block_exception'],
  ['429 flood-stage block', { op: 'index', status: 429, error: err('cluster_block_exception') }, 'retry', 'cluster_block_exception'],
  [
    '400 mapper_parsing_exception',
    { op: 'index', status: 400, error: err('mapper_parsing_exception') },
    'reject',
    'mapper_parsing_exception',
  ],
  [
    '400 document_parsing_exception',
    { op: 'index', status: 400, error: err('document_parsing_exception') },
    'reject',
    'document_parsing_exception',
  ],
  [
    '400 illegal_argument_exception',
    { op: 'index', status: 400, error: err('illegal_argument_exception') },
    'reject',
    'illegal_argument_exception',
  ],
  [
    '400 strict_dynamic_mapping_exception',
    { op: 'index', status: 400, error: err('strict_dynamic_mapping_exception') },
    'reject',
    'strict_dynamic_mapping_exception',
  ],
  ['400 unknown type', { op: 'index', status: 400, error: err('some_new_exception') }, 'reject', 'some_new_exception'],
  [
    '404 index_not_found (auto-create off)',
    { op: 'index', status: 404, error: err('index_not_found_exception') },
    'reject',
    'index_not_found_exception',
  ],
  [
    '500 with a mapping type still rejects',
    { op: 'index', status: 500, error: err('mapper_parsing_exception') },
    'reject',
    'mapper_parsing_exception',
  ],
];

describe('classifyItem', () => {
  it.each(ITEM_TABLE)('%s', (_name, item, outcome, kind) => {
    const v = classifyItem(item);
    expect(v.outcome).toBe(outcome);
    expect(v.kind).toBe(kind);
    if (outcome !== 'ok') expect(v.reason).not.toBe('');
  });

  it('keeps the ES reason and its root cause', () => {
    const v = classifyItem({
      op: 'index',
      status: 400,
      error: err(
        'document_parsing_exception',
        "[1:40] failed to parse field [source.ip] of type [ip] in document with id 'x'",
        err('illegal_argument_exception', "'not-an-ip' is not an IP string literal."),
      ),
    });
    expect(v.reason).toBe(
      "document_parsing_exception: [1:40] failed to parse field [source.ip] of type [ip] in document with id 'x' (caused by illegal_argument_exception: 'not-an-ip' is not an IP string literal.)",
    );
  });

  it('describeCause stops at depth 5 and tolerates missing parts', () => {
    expect(describeCause(undefined)).toBe('');
    expect(describeCause({})).toBe('error:');
    let c: ItemResult['error'] = err('t6');
    for (let i = 5; i >= 1; i--) c = err(`t${i}`, 'r', c);
    expect(describeCause(c).match(/caused by/g)).toHaveLength(4);
  });
});

const meta = (statusCode: number, body: unknown) =>
  ({ body, statusCode, headers: {}, warnings: null, meta: {} }) as unknown as ConstructorParameters<typeof errors.ResponseError>[0];

const REQUEST_TABLE: Array<[string, unknown, string, string]> = [
  ['connection refused', new errors.ConnectionError('connect ECONNREFUSED 127.0.0.1:9200'), 'retry', 'connection'],
  ['timeout', new errors.TimeoutError('Request timed out'), 'retry', 'timeout'],
  ['no living connections', new errors.NoLivingConnectionsError('none', meta(0, undefined) as never), 'retry', 'no_living_connections'],
  ['bad response body', new errors.DeserializationError('bad json', '{'), 'retry', 'deserialization'],
  ['aborted', new errors.RequestAbortedError('aborted'), 'retry', 'aborted'],
  [
    '429',
    new errors.ResponseError(meta(429, { error: err('es_rejected_execution_exception') })),
    'retry',
    'es_rejected_execution_exception',
  ],
  [
    '503',
    new errors.ResponseError(meta(503, { error: err('master_not_discovered_exception') })),
    'retry',
    'master_not_discovered_exception',
  ],
  ['502 from a proxy (no ES body)', new errors.ResponseError(meta(502, 'Bad Gateway')), 'retry', 'http_502'],
  ['413 too large', new errors.ResponseError(meta(413, '')), 'split', 'http_413'],
  [
    '400 request validation',
    new errors.ResponseError(meta(400, { error: err('action_request_validation_exception') })),
    'split',
    'action_request_validation_exception',
  ],
  [
    '400 unknown route (ILM absent)',
    new errors.ResponseError(meta(400, { error: 'no handler found for uri [/_ilm/policy/p] and method [PUT]' })),
    'split',
    'http_400',
  ],
  ['401', new errors.ResponseError(meta(401, { error: err('security_exception') })), 'auth', 'security_exception'],
  ['403', new errors.ResponseError(meta(403, { error: err('security_exception') })), 'auth', 'security_exception'],
  ['not Elasticsearch', new errors.ProductNotSupportedError('Elasticsearch', meta(200, {}) as never), 'fatal', 'not_elasticsearch'],
  ['anything else', new Error('boom'), 'retry', 'unknown'],
];

describe('classifyRequestError', () => {
  it('keeps a string error body as the reason', () => {
    const e = new errors.ResponseError(meta(400, { error: 'no handler found for uri [/_ilm/policy/p] and method [PUT]' }));
    expect(classifyRequestError(e).reason).toBe('HTTP 400 no handler found for uri [/_ilm/policy/p] and method [PUT]');
  });

  it.each(REQUEST_TABLE)('%s', (_name, e, outcome, kind) => {
    const c = classifyRequestError(e);
    expect(c.outcome).toBe(outcome);
    expect(c.kind).toBe(kind);
    expect(c.reason).not.toBe('');
  });
});
