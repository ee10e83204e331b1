import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bus } from '../../core/bus/index.js';
import { VigilError } from '../../core/errors/index.js';
import { ACTIONS } from '../../playbooks/actions/registry.js';
import type { ActionContext } from '../../playbooks/actions/types.js';
import { esClient } from '../../sinks/elasticsearch/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';

/** kafka.produce and elasticsearch.query against the real local Kafka and Elasticsearch. */
describe('core actions on real Kafka and Elasticsearch', () => {
  const config = testConfig('actions-core');
  const bus = new Bus(config.kafka, 'actions-core-test');
  const es = esClient(config.elasticsearch);
  const topic = `${config.kafka.topicPrefix}responses`;
  const index = `${config.elasticsearch.indexPrefix}-actions-hunt`;
  let ctx: ActionContext;

  beforeAll(async () => {
    await bus.ensureTopics([{ name: topic, partitions: 1, replicationFactor: 1, configs: {} }]);
    ctx = { signal: new AbortController().signal, services: { publisher: await bus.producer(), elasticsearch: es } };
    await es.bulk({
      refresh: 'wait_for',
      operations: [
        { index: { _index: index, _id: 'a' } },
        { source: { ip: '203.0.113.9' }, event: { action: 'ssh_login_failed' }, n: 1 },
        { index: { _index: index, _id: 'b' } },
        { source: { ip: '203.0.113.9' }, event: { action: 'ssh_login_failed' }, n: 2 },
        { index: { _index: index, _id: 'c' } },
        { source: { ip: '198.51.100.1' }, event: { action: 'ssh_login_failed' }, n: 3 },
      ],
    });
  });
  afterAll(async () => {
    await bus.close();
    await es.close();
    await cleanupTest(config);
  });

  const failure = async (name: 'kafka.produce' | 'elasticsearch.query', args: Record<string, unknown>, c = ctx) => {
    try {
      await ACTIONS[name].run(args, c);
    } catch (err) {
      if (err instanceof VigilError) return err;
      throw err;
    }
    throw new Error('expected a failure');
  };

  it('kafka.produce writes the record, JSON-encoded, with the idempotency key header', async () => {
    const result = await ACTIONS['kafka.produce'].run(
      { topic, key: 'inc-42', value: { incident: 'inc-42', action: 'blocked' }, headers: { source: 'vigil' } },
      { ...ctx, idempotencyKey: 'run1:publish:1' },
    );
    expect(result).toEqual({ topic, key: 'inc-42' });
    const records = await bus.read(topic, { until: (r) => r.length >= 1, timeoutMs: 30_000 });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ key: 'inc-42', headers: { source: 'vigil', 'idempotency-key': 'run1:publish:1' } });
    expect(JSON.parse(records[0]!.value.toString('utf8'))).toEqual({ incident: 'inc-42', action: 'blocked' });
  });

  it('kafka.produce refuses a bad topic name, and says so when the worker gave it no producer', async () => {
    expect((await failure('kafka.produce', { topic: 'bad topic!', value: 'x' })).message).toMatch(/not a valid Kafka topic name/);
    const bare = await failure('kafka.produce', { topic, value: 'x' }, { signal: ctx.signal });
    expect(bare.code).toBe('ACTION_REJECTED');
    expect(bare.message).toMatch(/no Kafka producer/);
  });

  it('elasticsearch.query returns the total and the hits', async () => {
    const result = await ACTIONS['elasticsearch.query'].run(
      { index, query: { term: { 'source.ip': '203.0.113.9' } }, sort: [{ n: 'asc' }], _source: ['n'] },
      ctx,
    );
    expect(result).toEqual({
      total: 2,
      total_relation: 'eq',
      hits: [
        { _index: index, _id: 'a', _source: { n: 1 } },
        { _index: index, _id: 'b', _source: { n: 2 } },
      ],
    });
  });

  it('elasticsearch.query rejects a missing index and a bad query (4xx), without retry', async () => {
    const missing = await failure('elasticsearch.query', { index: `${index}-nope`, query: { match_all: {} } });
    expect(missing).toMatchObject({ code: 'ACTION_REJECTED', retriable: false });
    expect(missing.message).toMatch(/index_not_found_exception/);
    const bad = await failure('elasticsearch.query', { index, query: { no_such_query: {} } });
    expect(bad).toMatchObject({ code: 'ACTION_REJECTED' });
    expect(bad.message).toMatch(/HTTP 400/);
  });

  it('elasticsearch.query retries a cluster it cannot reach', async () => {
    const down = esClient({ ...config.elasticsearch, node: 'http://127.0.0.1:1' });
    const f = await failure(
      'elasticsearch.query',
      { index, query: { match_all: {} } },
      { signal: ctx.signal, services: { elasticsearch: down } },
    );
    expect(f).toMatchObject({ code: 'ACTION_FAILED', retriable: true });
    await down.close();
  });

  it.each([
    [{ index: 'x', query: 'source.ip:1' }, /query must be a map/],
    [{ index: 'x', query: {}, size: 5000 }, /size must be 0 to 1000/],
    [{ index: 'x', query: {}, sort: 'n' }, /sort must be a list/],
  ])('elasticsearch.query refuses %j', async (args, why) => {
    expect((await failure('elasticsearch.query', args)).message).toMatch(why);
  });
});
