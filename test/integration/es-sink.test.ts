/**
 * The Elasticsearch sink on REAL Kafka and REAL Elasticsearch (`vigil up`, or any cluster named
 * by VIGIL_KAFKA_BROKERS / VIGIL_ES_URL). Every run uses its own topics, groups, index prefix and
 * templates, and deletes them afterwards.
 */
import { randomBytes } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutRecord } from '../../core/bus/index.js';
import type { ElasticsearchConfig } from '../../core/config/types.js';
import { isVigilError } from '../../core/errors/index.js';
import { metrics } from '../../core/telemetry/index.js';
import { startElasticsearchSink, type RunningElasticsearchSink } from '../../sinks/elasticsearch/index.js';
import { startSink } from '../../sinks/index.js';
import { SERVICES, sinkTestKafka } from '../support/config.js';
import { startSinkBus, type SinkBus } from '../support/sink-bus.js';
import { waitFor as eventually } from '../support/wait.js';

const ES_URL = SERVICES.elasticsearch;
const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

const kafkaConfig = sinkTestKafka('esit', RUN, 2);
// Not under `vigil-`: a template over `vigil-*` at the same priority would overlap and be refused.
const es: ElasticsearchConfig = { node: ES_URL, indexPrefix: `esit-${RUN}` };
const FAST = { initialMs: 50, maxMs: 250, factor: 2, jitter: 0.5 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let kafka: SinkBus;
let admin: Client;
let sink: RunningElasticsearchSink | null = null;
const SINK_ID = 'esit';

const json = (v: unknown): string => JSON.stringify(v);
const idx = (t: string) => `${es.indexPrefix}-${t}`;

async function publish(topic: string, records: OutRecord[]): Promise<void> {
  await (await kafka.bus.producer()).send(topic, records);
}

/** Committed offsets of a sink's group on a topic, per partition ('-1' = none). */
async function committed(groupName: string, topic: string): Promise<Map<number, string>> {
  return new Map((await kafka.bus.committedOffsets(groupName, topic)).map((p) => [p.partition, p.offset]));
}

const caughtUp = (groupName: string, topic: string) => kafka.caughtUp(groupName, topic);

async function count(index: string): Promise<number> {
  await admin.indices.refresh({ index, ignore_unavailable: true });
  return (await admin.count({ index, ignore_unavailable: true })).count;
}

async function docs(index: string): Promise<Map<string, Record<string, unknown>>> {
  await admin.indices.refresh({ index });
  const res = await admin.search<Record<string, unknown>>({ index, size: 1000, query: { match_all: {} } });
  return new Map(res.hits.hits.map((h) => [h._id as string, h._source as Record<string, unknown>]));
}

/** Whether a GET on `path` is served (the minimal build lacks the data-stream and ILM APIs). */
async function apiAvailable(path: string): Promise<boolean> {
  try {
    await admin.transport.request({ method: 'GET', path });
    return true;
  } catch {
    return false;
  }
}

const lettersFrom = (topic: string) => kafka.letters.filter((d) => d.origin?.topic === topic);

function event(i: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    '@timestamp': new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
    message: `Failed password for root from 10.0.0.${i} port 22 ssh2`,
    event: { kind: 'event', category: ['authentication'], outcome: 'failure', original: `<38>raw line ${i}` },
    source: { ip: `10.0.0.${i}`, port: 40000 + i },
    host: { name: `web-${i % 3}`, ip: ['192.168.1.10'] },
    process: { name: 'sshd', pid: 1000 + i, command_line: '/usr/sbin/sshd -D' },
    user: { name: 'root' },
    vigil: { id: `ev-${RUN}-${i}`, input: 'syslog-test', received_at: new Date().toISOString(), parse_status: 'ok' },
    ...over,
  };
}

beforeAll(async () => {
  // Elasticsearch is started by `vigil up` (another process); wait for it rather than start our own.
  admin = new Client({ node: ES_URL });
  await eventually(
    `Elasticsearch at ${ES_URL}`,
    async () => (await admin.cluster.health({ timeout: '2s' })).status !== 'red',
    170_000,
    1000,
  );

  kafka = await startSinkBus(kafkaConfig, 'esit');

  sink = await startElasticsearchSink({
    sink: {
      id: SINK_ID,
      type: 'elasticsearch',
      topics: ['events', 'alerts', 'incidents'],
      batchSize: 4,
      maxRetries: 80,
      retryBackoff: FAST,
      replicas: 0,
    },
    es,
    bus: kafka.bus,
  });
});

afterAll(async () => {
  await sink?.close().catch(() => undefined);
  await kafka?.close();
  if (admin) {
    const indices = ['events', 'alerts', 'incidents', 'actions'].map(idx);
    // By name: wildcard deletes are refused by default (action.destructive_requires_name).
    await admin.indices.delete({ index: indices, ignore_unavailable: true }).catch(() => undefined);
    for (const name of [es.indexPrefix, `${es.indexPrefix}-ds`, `${es.indexPrefix}-deadletter`])
      await admin.indices.deleteIndexTemplate({ name }).catch(() => undefined);
    await admin.close();
  }
});

describe('elasticsearch sink on real Kafka and Elasticsearch', () => {
  it('puts the index template with the ECS mappings (and falls back where the build lacks types)', async () => {
    const res = await admin.indices.getIndexTemplate({ name: es.indexPrefix });
    const t = res.index_templates[0]?.index_template;
    expect(t?.index_patterns).toEqual([`${es.indexPrefix}-*`]);
    expect(t?.priority).toBe(200 + 2 * es.indexPrefix.length);
    const props = t?.template?.mappings?.properties as Record<string, { type?: string; properties?: Record<string, { type?: string }> }>;
    expect(props['@timestamp']?.type).toBe('date');
    expect(props.source?.properties?.ip?.type).toBe('ip');
    expect(props.message?.type).toBe(sink?.capabilities.matchOnlyText ? 'match_only_text' : 'text');
    expect(props.process?.properties?.command_line?.type).toBe(sink?.capabilities.wildcard ? 'wildcard' : 'keyword');
    console.info(`[es-sink] field capabilities of ${ES_URL}: ${JSON.stringify(sink?.capabilities)}`);
  });

  it('indexes events with _id = vigil.id, dead-letters the unmappable and the non-JSON, and stays idempotent on replay', async () => {
    const topic = kafka.bus.topics.events;
    const good = Array.from({ length: 9 }, (_, i) => event(i + 1));
    const bad = event(50, { source: { ip: 'not-an-ip' }, vigil: { id: `ev-${RUN}-bad` } });
    const records: OutRecord[] = [
      ...good.slice(0, 5).map((e) => ({ key: (e.host as { name: string }).name, value: json(e) })),
      { key: 'web-1', value: json(bad) },
      { key: 'web-2', value: 'this is not json <13>' },
      ...good.slice(5).map((e) => ({ key: (e.host as { name: string }).name, value: json(e) })),
    ];
    await publish(topic, records);

    await eventually(
      '9 events indexed and 2 dead letters',
      async () => (await count(idx('events'))) === 9 && lettersFrom(topic).length >= 2,
    );
    await sleep(1000);
    // Exactly once each: more means a batch was handled again after it had been committed.
    expect(lettersFrom(topic).map((d) => `${d.code}@${d.origin?.partition}/${d.origin?.offset}`).length, 'dead letters for events').toBe(2);
    const indexed = await docs(idx('events'));
    expect([...indexed.keys()].sort()).toEqual(good.map((e) => (e.vigil as { id: string }).id).sort());
    const one = indexed.get(`ev-${RUN}-3`);
    expect(one?.source).toEqual({ ip: '10.0.0.3', port: 40003 });
    expect((one?.event as { original?: string }).original).toBe('<38>raw line 3');

    // ECS types at work: a CIDR query on source.ip and a term query on host.name.
    await admin.indices.refresh({ index: idx('events') });
    const cidr = await admin.count({ index: idx('events'), query: { term: { 'source.ip': '10.0.0.0/30' } } });
    expect(cidr.count).toBe(3); // .1 .2 .3
    const byHost = await admin.count({ index: idx('events'), query: { term: { 'host.name': 'web-0' } } });
    expect(byHost.count).toBe(3); // 3 6 9

    const rejected = lettersFrom(topic).find((d) => d.code === 'SINK_REJECT');
    expect(rejected).toMatchObject({ stage: 'sink', component: SINK_ID, raw: { encoding: 'utf8' } });
    expect(JSON.parse(rejected?.raw.data ?? '{}').vigil.id).toBe(`ev-${RUN}-bad`);
    expect(rejected?.reason).toMatch(/(document_parsing_exception|mapper_parsing_exception).*source\.ip/);
    expect(rejected?.reason).toContain('not-an-ip');
    console.info(`[es-sink] ES reason for source.ip "not-an-ip": ${rejected?.reason}`);
    const invalid = lettersFrom(topic).find((d) => d.code === 'EVENT_INVALID');
    expect(invalid?.raw.data).toBe('this is not json <13>');
    expect(invalid?.reason).toMatch(/^not JSON/);

    await eventually('offsets committed', () => caughtUp(`sink-${SINK_ID}`, topic));

    // The same records again: still one document each, no new dead letters for the good ones.
    await publish(
      topic,
      good.map((e) => ({ key: (e.host as { name: string }).name, value: json(e) })),
    );
    await eventually('replay consumed', () => caughtUp(`sink-${SINK_ID}`, topic));
    expect(await count(idx('events'))).toBe(9);
    expect(lettersFrom(topic)).toHaveLength(2);

    const received = (await metrics.received.get()).values.find((v) => v.labels.kind === 'sink' && v.labels.id === SINK_ID);
    expect(received?.value).toBeGreaterThanOrEqual(20);
  });

  it('keeps one document per incident with its latest state, and deletes on a tombstone', async () => {
    const topic = kafka.bus.topics.incidents;
    const inc = (id: string, status: string, n: number) => ({
      '@timestamp': new Date(Date.UTC(2025, 0, 1, 1, 0, n)).toISOString(),
      incident: {
        id,
        title: `brute force ${id}`,
        severity: 'high',
        status,
        risk_score: 73,
        alerts: Array.from({ length: n }, (_, i) => `a${i}`),
        last_seen: `2025-01-01T01:00:0${n}Z`,
      },
      vigil: { id },
    });
    const a = `inc-${RUN}-a`;
    const b = `inc-${RUN}-b`;
    const c = `inc-${RUN}-c`;
    // A's first two states in one send (likely one batch: the sink keeps the last), the third later.
    await publish(topic, [
      { key: a, value: json(inc(a, 'open', 1)) },
      { key: b, value: json(inc(b, 'open', 1)) },
      { key: c, value: json(inc(c, 'open', 1)) },
      { key: a, value: json(inc(a, 'acknowledged', 2)) },
    ]);
    await eventually('incidents consumed', () => caughtUp(`sink-${SINK_ID}`, topic));
    await publish(topic, [{ key: a, value: json(inc(a, 'closed', 3)) }]);
    await publish(topic, [{ key: c, value: Buffer.alloc(0) }]);
    await eventually('latest state consumed', () => caughtUp(`sink-${SINK_ID}`, topic));

    const all = await docs(idx('incidents'));
    expect([...all.keys()].sort()).toEqual([a, b]);
    expect(all.get(a)?.incident).toMatchObject({ id: a, status: 'closed', alerts: ['a0', 'a1', 'a2'] });
    expect(all.get(b)?.incident).toMatchObject({ id: b, status: 'open' });
    expect(lettersFrom(topic)).toEqual([]);
  });

  it('commits offsets only after Elasticsearch confirmed the documents', async () => {
    const topic = kafka.bus.topics.alerts;
    // A write-blocked index refuses every document (403 cluster_block_exception, retriable)
    // until the block is lifted: the sink must hold the partition uncommitted meanwhile.
    await admin.indices.create({ index: idx('alerts'), settings: { 'index.blocks.write': true } });
    const before = await committed(`sink-${SINK_ID}`, topic);
    const alerts = Array.from({ length: 5 }, (_, i) => ({
      '@timestamp': '2025-01-01T02:00:00Z',
      event: { kind: 'alert', severity: 73 },
      rule: { id: 'r1', name: 'SSH brute force' },
      threat: { framework: 'MITRE ATT&CK', technique: { id: ['T1110'] } },
      vigil: { id: `al-${RUN}-${i}` },
    }));
    await publish(
      topic,
      alerts.map((a, i) => ({ key: `h${i}`, value: json(a) })),
    );

    const watchUntil = Date.now() + 4000;
    while (Date.now() < watchUntil) {
      expect(await committed(`sink-${SINK_ID}`, topic)).toEqual(before);
      await sleep(300);
    }
    expect(await count(idx('alerts'))).toBe(0);

    await admin.indices.putSettings({ index: idx('alerts'), settings: { 'index.blocks.write': false } });
    await eventually('alerts committed', () => caughtUp(`sink-${SINK_ID}`, topic), 30_000, 100);
    // Committed implies confirmed: the documents are there as soon as the offsets are.
    expect(await count(idx('alerts'))).toBe(5);
    expect(lettersFrom(topic)).toEqual([]);
  });

  it('after stop, every committed offset covers only indexed or dead-lettered records', async () => {
    await sink?.close();
    sink = null;
    for (const t of ['events', 'alerts', 'incidents'] as const) {
      expect(await caughtUp(`sink-${SINK_ID}`, kafka.bus.topics[t])).toBe(true);
    }
    expect(await count(idx('events'))).toBe(9);
    expect(await count(idx('alerts'))).toBe(5);
    expect(await count(idx('incidents'))).toBe(2);
  });

  it('dead-letters documents still refused after maxRetries, with the ES reason (via the registry)', async () => {
    const topic = kafka.bus.topics.actions;
    await admin.indices.create({ index: idx('actions'), settings: { 'index.blocks.write': true } });
    const running = await startSink(
      {
        id: `${SINK_ID}-actions`,
        type: 'elasticsearch',
        topics: ['actions'],
        batchSize: 10,
        maxRetries: 2,
        retryBackoff: FAST,
      } as Parameters<typeof startSink>[0],
      { bus: kafka.bus, elasticsearch: es },
    );
    try {
      await publish(topic, [
        {
          key: 'p1',
          value: json({ '@timestamp': '2025-01-01T03:00:00Z', vigil: { id: `act-${RUN}-1` }, event: { action: 'step.start' } }),
        },
        { key: 'p2', value: json({ '@timestamp': '2025-01-01T03:00:01Z', vigil: { id: `act-${RUN}-2` }, event: { action: 'step.done' } }) },
      ]);
      await eventually('2 dead letters for actions', async () => lettersFrom(topic).length >= 2);
      await sleep(1000);
      expect(lettersFrom(topic).length, 'dead letters for actions').toBe(2);
      for (const d of lettersFrom(topic)) {
        expect(d.code).toBe('SINK_RETRY');
        expect(d.reason).toMatch(/still refused after 3 attempts: cluster_block_exception/);
      }
      await eventually('actions committed', () => caughtUp(`sink-${SINK_ID}-actions`, topic));
    } finally {
      await running.close();
    }
  });

  it('data streams: create ops, and a replay dedups through 409 (only where the _data_stream API exists)', async (t) => {
    // The minimal integ-test-zip build auto-creates a data stream from a matching template on a
    // bulk `create`, but has no `_data_stream` API, so the stream could never be deleted again:
    // run only where the test can clean up after itself.
    if (!(await apiAvailable('/_data_stream'))) t.skip();
    const dsEs: ElasticsearchConfig = { node: ES_URL, indexPrefix: `esit-ds-${RUN}` };
    const running = await startElasticsearchSink({
      sink: {
        id: `${SINK_ID}-ds`,
        type: 'elasticsearch',
        topics: ['events'],
        batchSize: 50,
        maxRetries: 2,
        retryBackoff: FAST,
        dataStream: true,
        replicas: 0,
      },
      es: dsEs,
      bus: kafka.bus,
    });
    const stream = `${dsEs.indexPrefix}-events`;
    try {
      await eventually('events in the data stream', async () => (await count(stream)) === 9);
      await eventually('ds sink caught up', () => caughtUp(`sink-${SINK_ID}-ds`, kafka.bus.topics.events));
      const ds = await admin.indices.getDataStream({ name: stream });
      expect(ds.data_streams).toHaveLength(1);
      // The topic holds each good event twice (the replay above): still 9 documents.
      expect(await count(stream)).toBe(9);
    } finally {
      await running.close();
      await admin.indices.deleteDataStream({ name: stream }).catch(() => undefined);
      for (const name of [dsEs.indexPrefix, `${dsEs.indexPrefix}-ds`])
        await admin.indices.deleteIndexTemplate({ name }).catch(() => undefined);
    }
  });

  it('ILM is only touched when configured, and its absence is a clear start error', async (t) => {
    // Where ILM exists this would create a policy on a shared cluster: only check the failure mode.
    if (await apiAvailable('/_ilm/policy')) t.skip();
    const err = await startElasticsearchSink({
      sink: {
        id: `${SINK_ID}-ilm`,
        type: 'elasticsearch',
        topics: ['events'],
        batchSize: 10,
        maxRetries: 1,
        retryBackoff: FAST,
        dataStream: true,
        ilm: { policy: `esit-${RUN}`, create: {} },
      },
      es: { node: ES_URL, indexPrefix: `esit-ilm-${RUN}` },
      bus: kafka.bus,
    }).catch((e: unknown) => e);
    expect(isVigilError(err, 'SINK_CONFIG')).toBe(true);
    expect((err as Error).message).toContain(
      `PUT _ilm/policy/esit-${RUN} failed: HTTP 400 no handler found for uri [/_ilm/policy/esit-${RUN}]`,
    );
    console.info(`[es-sink] ILM on ${ES_URL}: ${(err as Error).message}`);
    // Nothing was left behind: the policy is put before the templates.
    const tpl = await admin.indices.existsIndexTemplate({ name: `esit-ilm-${RUN}` });
    expect(tpl).toBe(false);
  });

  it('waits for an unreachable cluster with a message naming it, and gives up only when told to', async () => {
    const started = Date.now();
    const err = await startElasticsearchSink({
      sink: {
        id: `${SINK_ID}-down`,
        type: 'elasticsearch',
        topics: ['events'],
        batchSize: 10,
        maxRetries: 1,
        startTimeoutMs: 1500,
        retryBackoff: FAST,
      },
      es: { node: 'http://127.0.0.1:1', indexPrefix: es.indexPrefix },
      bus: kafka.bus,
    }).catch((e: unknown) => e);
    expect(isVigilError(err, 'SERVICE_UNAVAILABLE')).toBe(true);
    expect((err as Error).message).toMatch(/^Elasticsearch at http:\/\/127\.0\.0\.1:1 is unreachable after \d+ s/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
  });
});
