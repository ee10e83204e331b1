/**
 * The indices Kibana and Elastic Security read, written by the Elasticsearch sink on REAL Kafka
 * and REAL Elasticsearch: alerts and events under Elastic's `logs-*` naming (`elasticSecurity`),
 * and dead letters in `<prefix>-deadletter`. Plain indices, not data streams: the minimal
 * Elasticsearch build here has no `_data_stream` API, so a data stream could never be deleted.
 */
import { randomBytes } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutRecord } from '../../core/bus/index.js';
import type { ElasticsearchConfig } from '../../core/config/types.js';
import { deadLetterRecord } from '../../core/deadletter/index.js';
import { metrics } from '../../core/telemetry/index.js';
import { startElasticsearchSink } from '../../sinks/elasticsearch/index.js';
import { startSinkBus, type SinkBus } from '../support/sink-bus.js';
import { waitFor } from '../support/wait.js';
import { sinkTestKafka } from '../support/config.js';

const ES_URL = process.env.VIGIL_ES_URL ?? 'http://127.0.0.1:9200';
const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const NS = `t${RUN}`;

const kafkaConfig = sinkTestKafka('eski', RUN);
const es: ElasticsearchConfig = { node: ES_URL, indexPrefix: `eski-${RUN}` };
const FAST = { initialMs: 50, maxMs: 250, factor: 2, jitter: 0.5 };
const ALERTS = `logs-vigil.alerts-${NS}`;
const EVENTS = `logs-vigil.events-${NS}`;
const LETTERS = `${es.indexPrefix}-deadletter`;

let kafka: SinkBus;
let admin: Client;

async function publish(topic: string, records: OutRecord[]): Promise<void> {
  await (await kafka.bus.producer()).send(topic, records);
}

const alert = {
  '@timestamp': '2026-01-02T03:04:05.000Z',
  message: 'SSH brute force on web-1',
  event: { kind: 'alert', category: ['authentication'], severity: 73, risk_score: 73, dataset: 'vigil.alerts', module: 'vigil' },
  rule: { id: 'r-ssh', name: 'SSH brute force', ruleset: 'sigma' },
  host: { name: 'web-1', ip: ['192.168.1.10'] },
  source: { ip: '10.0.0.9' },
  user: { name: 'root' },
  vigil: { id: `al-${RUN}`, input: 'syslog-test', alert: { level: 'high' } },
};
const event = {
  '@timestamp': '2026-01-02T03:04:00.000Z',
  message: 'Failed password for root',
  event: { kind: 'event', category: ['authentication'], outcome: 'failure' },
  host: { name: 'web-1' },
  vigil: { id: `ev-${RUN}`, input: 'syslog-test' },
};

beforeAll(async () => {
  admin = new Client({ node: ES_URL });
  kafka = await startSinkBus(kafkaConfig, 'eski');
  const bus = kafka.bus;
  const base = { type: 'elasticsearch' as const, batchSize: 10, maxRetries: 2, retryBackoff: FAST, replicas: 0 };
  kafka.running.push(
    await startElasticsearchSink({
      sink: { ...base, id: 'eski-sec', topics: ['alerts', 'events'], elasticSecurity: { namespace: NS } },
      es,
      bus,
    }),
    await startElasticsearchSink({ sink: { ...base, id: 'eski-dlq', topics: ['deadletter'] }, es, bus }),
  );
}, 120_000);

afterAll(async () => {
  await kafka?.close();
  if (admin) {
    await admin.indices.delete({ index: [ALERTS, EVENTS, LETTERS], ignore_unavailable: true }).catch(() => undefined);
    for (const name of [es.indexPrefix, `${es.indexPrefix}-deadletter`, `${es.indexPrefix}-security-${NS}`]) {
      await admin.indices.deleteIndexTemplate({ name }).catch(() => undefined);
    }
    await admin.close();
  }
});

describe('alerts and events where Elastic Security reads them', () => {
  it('an alert is found by a `logs-*` search for event.kind:alert, with the ECS fields the external-alerts view shows', async () => {
    await publish(kafka.bus.topics.alerts, [{ key: 'r-ssh', value: JSON.stringify(alert) }]);
    await publish(kafka.bus.topics.events, [{ key: 'web-1', value: JSON.stringify(event) }]);
    // Elastic Security's default index patterns include `logs-*`; its external-alerts view filters on event.kind: alert.
    const search = async (q: string) => {
      await admin.indices.refresh({ index: 'logs-*', ignore_unavailable: true, allow_no_indices: true });
      return admin.search<Record<string, unknown>>({
        index: 'logs-*',
        query: { bool: { filter: [{ query_string: { query: q } }, { term: { 'data_stream.namespace': NS } }] } },
      });
    };
    const found = await waitFor(
      'the alert in logs-*',
      async () => ((await search('event.kind:alert')).hits.hits.length === 1 ? true : undefined),
      60_000,
    );
    expect(found).toBe(true);
    const hit = (await search('event.kind:alert')).hits.hits[0]!;
    expect(hit._index).toBe(ALERTS);
    expect(hit._id).toBe(`al-${RUN}`);
    expect(hit._source).toMatchObject({
      event: { kind: 'alert', severity: 73 },
      rule: { name: 'SSH brute force' },
      host: { name: 'web-1' },
      data_stream: { type: 'logs', dataset: 'vigil.alerts', namespace: NS },
    });
    await waitFor(
      'the event in its own index',
      async () => ((await search('event.kind:event')).hits.hits[0]?._index === EVENTS ? true : undefined),
      30_000,
    );
    // The host view aggregates on host.name; the alert table sorts by severity: both are mapped for it.
    const byHost = await admin.search({
      index: 'logs-*',
      size: 0,
      query: { term: { 'data_stream.namespace': NS } },
      aggs: { hosts: { terms: { field: 'host.name' } }, worst: { max: { field: 'event.severity' } } },
    });
    expect((byHost.aggregations?.hosts as { buckets: Array<{ key: string; doc_count: number }> }).buckets).toEqual([
      { key: 'web-1', doc_count: 2 },
    ]);
    expect((byHost.aggregations?.worst as { value: number }).value).toBe(73);

    expect((await search('event.kind:alert')).hits.hits).toHaveLength(1);
    expect(await admin.indices.exists({ index: `${es.indexPrefix}-alerts` })).toBe(false);
  });
});

describe('dead letters in their own index', () => {
  it('are indexed with their reason code as a keyword, for the ingest-health dashboard', async () => {
    const letter = deadLetterRecord({
      stage: 'ingest',
      component: 'syslog-test',
      code: 'PARSE_SYSLOG',
      reason: 'no PRI',
      raw: '<<garbage',
    });
    await publish(kafka.bus.topics.deadletter, [letter]);
    const hits = await waitFor(
      'the dead letter indexed',
      async () => {
        await admin.indices.refresh({ index: LETTERS, ignore_unavailable: true });
        const r = await admin.search<Record<string, unknown>>({
          index: LETTERS,
          ignore_unavailable: true,
          query: { term: { code: 'PARSE_SYSLOG' } },
        });
        return r.hits.hits.length > 0 ? r.hits.hits : undefined;
      },
      60_000,
    );
    expect(hits[0]?._source).toMatchObject({ stage: 'ingest', component: 'syslog-test', reason: 'no PRI', raw: { data: '<<garbage' } });
  });

  it('one Elasticsearch refuses is counted and left on the topic, not dead-lettered again (that would loop)', async () => {
    const dropped = async () =>
      (await metrics.dropped.get()).values.find((v) => v.labels.id === 'eski-dlq' && v.labels.reason === 'deadletter_not_indexed')?.value ??
      0;
    const before = await dropped();
    const high = async () => (await kafka.bus.topicOffsets(kafka.bus.topics.deadletter)).reduce((n, o) => n + Number(o.high), 0);
    // `origin.partition` is a long in the dead-letter template: a string there is refused.
    await publish(kafka.bus.topics.deadletter, [
      {
        key: 'x',
        value: JSON.stringify({
          '@timestamp': new Date().toISOString(),
          stage: 'sink',
          code: 'SINK_REJECT',
          origin: { partition: 'not-a-number' },
        }),
      },
    ]);
    const written = await high();
    await waitFor('the refusal counted', async () => ((await dropped()) > before ? true : undefined), 60_000);
    expect(await dropped()).toBe(before + 1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await high()).toBe(written);
  });
});
