import { errors } from '@opensearch-project/opensearch';
import { describe, expect, it } from 'vitest';
import type { Outgoing } from '../runner/index.js';
import { classifyItem, classifyRequestError } from './classify.js';
import { bulkBody, documentId, indexFor } from './encode.js';
import { createOpenSearchDeliver } from './sink.js';
import type { BulkItem } from './classify.js';

const out = (doc: Record<string, unknown>, topic: Outgoing['topic'] = 'events', offset = '7'): Outgoing => ({
  topic,
  route: 'default',
  doc,
  source: {
    topic: `vigil.${topic}`,
    partition: 1,
    offset,
    key: 'inc-key',
    value: Buffer.from(JSON.stringify(doc)),
    headers: {},
    timestamp: 0,
  },
});

const responseError = (statusCode: number, body: unknown) =>
  new errors.ResponseError({ body, statusCode, headers: {}, meta: {} as never, warnings: null } as never);

describe('bulk item classification', () => {
  it.each<[BulkItem, string]>([
    [{ status: 201 }, 'ok'],
    [{ status: 200 }, 'ok'],
    [{ status: 400, error: { type: 'mapper_parsing_exception', reason: 'failed to parse field [n] of type [long]' } }, 'reject'],
    [{ status: 400, error: { type: 'strict_dynamic_mapping_exception', reason: 'mapping set to strict' } }, 'reject'],
    [{ status: 400, error: { type: 'illegal_argument_exception', reason: 'Limit of total fields [1000] has been exceeded' } }, 'reject'],
    [{ status: 429, error: { type: 'rejected_execution_exception', reason: 'rejected execution of coordinating operation' } }, 'retry'],
    [{ status: 429 }, 'retry'],
    [{ status: 503, error: { type: 'unavailable_shards_exception', reason: 'primary shard is not active' } }, 'retry'],
    [{ status: 403, error: { type: 'cluster_block_exception', reason: 'index [x] blocked by: [FORBIDDEN/8/index write (api)]' } }, 'retry'],
    [{ status: 500 }, 'retry'],
    [{ status: 404, error: { type: 'index_not_found_exception', reason: 'no such index' } }, 'reject'],
  ])('%j → %s', (item, outcome) => {
    expect(classifyItem(item).outcome).toBe(outcome);
  });

  it('says what OpenSearch said, down to the root cause', () => {
    expect(
      classifyItem({
        status: 400,
        error: {
          type: 'mapper_parsing_exception',
          reason: 'failed to parse field [n]',
          caused_by: { type: 'number_format_exception', reason: 'For input string: "x"' },
        },
      }),
    ).toEqual({
      outcome: 'reject',
      reason: 'HTTP 400 mapper_parsing_exception: failed to parse field [n] (caused by number_format_exception: For input string: "x")',
    });
  });

  it('splits a request refused as a whole with 400 or 413, stops on 401, retries the rest', () => {
    expect(classifyRequestError(responseError(413, '')).outcome).toBe('split');
    expect(classifyRequestError(responseError(400, { error: { type: 'illegal_argument_exception', reason: 'id is too long' } }))).toEqual({
      outcome: 'split',
      reason: 'HTTP 400 illegal_argument_exception: id is too long',
    });
    expect(classifyRequestError(responseError(401, {})).outcome).toBe('fatal');
    expect(classifyRequestError(responseError(429, {})).outcome).toBe('retry');
    expect(classifyRequestError(new errors.ConnectionError('connect ECONNREFUSED')).outcome).toBe('retry');
  });
});

describe('documents', () => {
  it('names indices as the Elasticsearch sink does', () => {
    expect(indexFor({ indexPrefix: 'vigil' }, 'alerts')).toBe('vigil-alerts');
    expect(indexFor({ indexPrefix: 'vigil', namespace: 'prod' }, 'events')).toBe('logs-vigil.events-prod');
    expect(indexFor({ indexPrefix: 'vigil', namespace: 'prod' }, 'incidents')).toBe('vigil-incidents');
  });

  it('keys documents by vigil.id, incidents by incident.id, else by where the record sits in Kafka', () => {
    expect(documentId(out({ vigil: { id: 'ev-1' } }))).toBe('ev-1');
    expect(documentId(out({ incident: { id: 'inc-9' }, vigil: { id: 'x' } }, 'incidents'))).toBe('inc-9');
    expect(documentId(out({}, 'events', '7'))).toBe(documentId(out({ other: 1 }, 'events', '7')));
    expect(documentId(out({}, 'events', '7'))).not.toBe(documentId(out({}, 'events', '8')));
    expect(Buffer.byteLength(documentId(out({ vigil: { id: 'x'.repeat(600) } })))).toBeLessThanOrEqual(512);
  });

  it('writes index actions (overwrite by id) as NDJSON', () => {
    expect(bulkBody([out({ vigil: { id: 'a' }, n: 1 })], { indexPrefix: 'p' })).toBe(
      '{"index":{"_index":"p-events","_id":"a"}}\n{"vigil":{"id":"a"},"n":1}\n',
    );
  });
});

describe('delivery', () => {
  const signal = new AbortController().signal;

  it('maps each item onto its record: a mapping conflict refused, a 429 retried', async () => {
    const deliver = createOpenSearchDeliver({
      naming: { indexPrefix: 'p' },
      transport: {
        bulk: async () => [
          { status: 201 },
          { status: 400, error: { type: 'mapper_parsing_exception', reason: 'failed to parse field [n] of type [long]' } },
          { status: 429, error: { type: 'rejected_execution_exception', reason: 'queue full' } },
        ],
      },
    });
    const v = await deliver([out({ n: 1 }), out({ n: 'x' }), out({ n: 3 })], { signal, attempt: 1 });
    expect(v.map((x) => x.outcome)).toEqual(['ok', 'reject', 'retry']);
  });

  it('halves a request refused whole until the bad document stands alone', async () => {
    const sent: number[] = [];
    const deliver = createOpenSearchDeliver({
      naming: { indexPrefix: 'p' },
      transport: {
        bulk: async (body) => {
          const lines = body
            .trim()
            .split('\n')
            .filter((_, i) => i % 2 === 1);
          sent.push(lines.length);
          if (body.includes('"bad"')) throw responseError(400, { error: { type: 'illegal_argument_exception', reason: 'bad document' } });
          return lines.map(() => ({ status: 201 }));
        },
      },
    });
    const v = await deliver([out({ n: 1 }), out({ n: 2 }), out({ n: 'bad' }), out({ n: 4 })], { signal, attempt: 1 });
    expect(v.map((x) => x.outcome)).toEqual(['ok', 'ok', 'reject', 'ok']);
    expect(sent).toEqual([4, 2, 2, 1, 1]);
  });

  it('throws, for the runner to retry without limit, when the cluster is unreachable', async () => {
    const deliver = createOpenSearchDeliver({
      naming: { indexPrefix: 'p' },
      transport: {
        bulk: async () => {
          throw new errors.ConnectionError('connect ECONNREFUSED 127.0.0.1:1');
        },
      },
    });
    await expect(deliver([out({ n: 1 })], { signal, attempt: 1 })).rejects.toThrow(/ECONNREFUSED/);
  });
});
