/**
 * Incident status flowing back, on REAL Kafka and Elasticsearch: `vigil incident ack|close`
 * writes to `vigil.incident-status`; an analyst's edit of `incident.status` in Elasticsearch is
 * picked up by the poller; the builder applies both, and its next document (indexed by the ES
 * sink) carries the status, so the analyst's edit and Vigil agree again.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bus } from '../../core/bus/index.js';
import { isVigilError } from '../../core/errors/index.js';
import type { EcsEvent } from '../../core/event/index.js';
import { buildAlert } from '../../detections/model/index.js';
import {
  analystChangesQuery,
  decodeStatusChange,
  ensureIncidentStatusTopic,
  EsStatusPoller,
  IncidentBuilder,
  incidentRecord,
  incidentStatusTopic,
  type IncidentDocument,
  type StatusChange,
} from '../../detections/incidents/index.js';
import { esClient, indexName, startElasticsearchSink, type RunningElasticsearchSink } from '../../sinks/elasticsearch/index.js';
import { run as incidentCommand } from '../../cli/commands/incident.js';
import { cleanupTest } from '../support/cleanup.js';
import { writeCliConfig } from '../support/cli-config.js';
import { testConfig } from '../support/config.js';
import { waitFor } from '../support/wait.js';

const exec = promisify(execFile);

function sshAlert(n: number, minutes: number, host = 'web-int'): EcsEvent {
  const event: EcsEvent = {
    '@timestamp': new Date(Date.parse('2025-03-01T10:00:00Z') + minutes * 60_000).toISOString(),
    message: 'Failed password for root',
    host: { name: host },
    user: { name: 'root' },
    source: { ip: '203.0.113.7' },
    vigil: { id: `ev-int-${n}`, input: 'test', received_at: '2025-03-01T10:00:00Z', parse_status: 'ok' },
  };
  const rule = {
    id: 'ssh-brute-force',
    title: 'SSH brute force',
    level: 'high',
    tags: ['attack.credential-access', 'attack.t1110'],
    references: [],
    techniques: ['T1110'],
    tactics: ['credential-access'],
  };
  return buildAlert(rule, event, ['selection'], new Date());
}

describe('incident status flowing back (Kafka + Elasticsearch)', () => {
  const config = testConfig('incstatus');
  const bus = new Bus(config.kafka, 'incidents-status-test');
  const statusTopic = incidentStatusTopic(config.kafka.topicPrefix);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-incident-'));
  const configFile = join(dir, 'vigil.yaml');
  const es = esClient(config.elasticsearch);
  let sink: RunningElasticsearchSink | undefined;

  beforeAll(async () => {
    await bus.provision();
    writeCliConfig(configFile, config);
  });

  afterAll(async () => {
    await sink?.close();
    await bus.close();
    await bus.deleteTopics([statusTopic]).catch(() => undefined);
    // cleanupTest deletes `<prefix>,<prefix>-ds` in one request, which 404s (deleting neither) when there is no `-ds` template.
    await es.indices.deleteIndexTemplate({ name: config.elasticsearch.indexPrefix }, { ignore: [404] }).catch(() => undefined);
    await es.close();
    await cleanupTest(config);
    rmSync(dir, { recursive: true, force: true });
  });

  const readStatus = async (n: number): Promise<Array<{ key: string | null; change: StatusChange }>> => {
    const recs = await bus.read(statusTopic, { until: (r) => r.length >= n, timeoutMs: 30_000 });
    return recs.map((r) => ({ key: r.key, change: decodeStatusChange(r) })).sort((a, b) => a.change.at.localeCompare(b.change.at));
  };

  it('refuses a bad command line without touching Kafka', async () => {
    const io = { out: () => undefined, user: () => 'x', now: () => new Date() };
    for (const argv of [['frob', 'inc-1'], ['ack'], ['ack', 'inc-1', 'extra'], ['ack', 'inc-1', '--color', 'red']]) {
      await expect(incidentCommand(argv, io)).rejects.toSatisfy((e: unknown) => isVigilError(e, 'CLI_USAGE'));
    }
  });

  it('vigil incident ack / close write status changes the builder applies', async () => {
    const builder = new IncidentBuilder();
    const created = builder.add(sshAlert(1, 0));
    const id = created.incidentId;
    expect((await bus.listTopics()).includes(statusTopic)).toBe(false);

    // In process, with a fixed clock and user.
    const lines: string[] = [];
    const code = await incidentCommand(['ack', id, '--config', configFile, '--reason', 'looking into it'], {
      out: (l) => lines.push(l),
      user: () => 'alice',
      now: () => new Date('2025-03-01T10:05:00Z'),
    });
    expect(code).toBe(0);
    expect(lines.join('\n')).toContain(`incident ${id}: acknowledged by cli:alice (looking into it) → ${statusTopic}`);
    expect(await bus.listTopics()).toContain(statusTopic);

    // As a real process, through bin/vigil.js and the command registry.
    const child = await exec(process.execPath, ['bin/vigil.js', 'incident', 'close', id, '--config', configFile, '--by', 'bob'], {
      timeout: 60_000,
    });
    expect(child.stdout).toContain(`incident ${id}: closed by bob`);

    const records = await readStatus(2);
    expect(records.map((r) => r.key)).toEqual([id, id]);
    expect(records.map((r) => r.change)).toEqual([
      {
        id: expect.any(String),
        incident_id: id,
        status: 'acknowledged',
        at: '2025-03-01T10:05:00.000Z',
        by: 'cli:alice',
        reason: 'looking into it',
        source: 'cli',
      },
      { id: expect.any(String), incident_id: id, status: 'closed', at: expect.any(String), by: 'bob', source: 'cli' },
    ]);

    const docs = records.map((r) => builder.applyStatusChange(r.change));
    expect(docs.map((d) => [d?.incident.status, d?.incident.version, d?.vigil.emitted_status])).toEqual([
      ['acknowledged', 2, 'acknowledged'],
      ['closed', 3, 'closed'],
    ]);
    // Closed: the same rule on the same host within the suppression period does not reopen it.
    const repeat = builder.add(sshAlert(2, 30));
    expect(repeat).toMatchObject({ outcome: 'suppressed', incidentId: id, document: { incident: { status: 'closed', alert_count: 2 } } });
  });

  it('an analyst closing the incident in Elasticsearch flows back through the poller', async () => {
    const index = indexName(config.elasticsearch.indexPrefix, 'incidents');
    const producer = await bus.producer();
    const builder = new IncidentBuilder();
    const first = builder.add(sshAlert(10, 0, 'db-int')).document as IncidentDocument;
    const id = first.incident.id;
    await producer.send(bus.topics.incidents, [incidentRecord(first)]);
    sink = await startElasticsearchSink({
      sink: { id: 'es-incidents', type: 'elasticsearch', topics: ['incidents'], batchSize: 100, maxRetries: 3, replicas: 0 },
      es: config.elasticsearch,
      bus,
    });
    await waitFor('the incident in Elasticsearch', async () => (await es.exists({ index, id })) === true, 60_000);

    // The analyst closes it in Kibana: a partial update of the document.
    await es.update({
      index,
      id,
      doc: { incident: { status: 'closed', status_by: 'carol', status_reason: 'false positive' } },
      refresh: true,
      // The sink may write a new version of the incident at the same moment: then re-read and re-apply the edit.
      retry_on_conflict: 5,
    });
    // A new alert updates the incident before the poller has seen the edit: the sink keeps the edit.
    const second = builder.add(sshAlert(11, 1, 'db-int')).document as IncidentDocument;
    expect(second.incident).toMatchObject({ id, status: 'open', alert_count: 2 });
    await producer.send(bus.topics.incidents, [incidentRecord(second)]);
    /** The incident's document once `ready` holds for it. */
    const documentWhen = (what: string, ready: (d: IncidentDocument) => boolean) =>
      waitFor(
        what,
        async () => {
          const got = await es.get<IncidentDocument>({ index, id });
          return got._source && ready(got._source) ? got._source : undefined;
        },
        60_000,
      );
    const merged = await documentWhen('the second alert in Elasticsearch', (d) => d.incident.alert_count === 2);
    expect(merged).toMatchObject({
      incident: { status: 'closed', status_by: 'carol', status_reason: 'false positive' },
      vigil: { emitted_status: 'open' },
    });
    // Searchable before the poller starts (else it may see both versions, and send the change twice).
    await es.indices.refresh({ index });

    const topic = await ensureIncidentStatusTopic(config.kafka);
    expect(topic).toBe(statusTopic);
    const poller = new EsStatusPoller({ es, index, publisher: producer, topic, actionsTopic: bus.topics.actions, intervalMs: 200 }).start();
    try {
      const seen = await bus.read(statusTopic, {
        until: (r) => r.some((x) => x.key === id),
        timeoutMs: 30_000,
      });
      const change = decodeStatusChange(seen.find((x) => x.key === id) as { value: Buffer });
      expect(change).toMatchObject({ incident_id: id, status: 'closed', by: 'carol', reason: 'false positive', source: 'elasticsearch' });
      // Its audit record, by the analyst the edit names, from Kibana: the record the API writes for a close.
      const audits = await bus.read(bus.topics.actions, { until: (r) => r.some((x) => x.key === id), timeoutMs: 30_000 });
      expect(audits.filter((x) => x.key === id).map((x) => JSON.parse(x.value.toString('utf8')))).toEqual([
        expect.objectContaining({
          '@timestamp': change.at,
          event: expect.objectContaining({ action: 'api.incident.status' }),
          user: { name: 'carol', roles: ['kibana'] },
          vigil: expect.objectContaining({
            incident: { id },
            api: { caller: 'carol', role: 'kibana', details: { from: 'open', to: 'closed', reason: 'false positive' } },
          }),
        }),
      ]);

      // Sent once, although the document still differs until the builder's update lands.
      await new Promise((r) => setTimeout(r, 1000));
      expect((await bus.read(statusTopic, { idleMs: 1500, timeoutMs: 20_000 })).filter((x) => x.key === id)).toHaveLength(1);

      // The builder applies it; the sink indexes its new version; Vigil and the analyst agree.
      const updated = builder.applyStatusChange(change) as IncidentDocument;
      expect(updated.incident).toMatchObject({
        status: 'closed',
        version: 3,
        status_change: { by: 'carol', reason: 'false positive', source: 'elasticsearch' },
      });
      await producer.send(bus.topics.incidents, [incidentRecord(updated)]);
      const doc = await documentWhen('the closed version in Elasticsearch', (d) => d.incident.version === 3);
      expect(doc).toMatchObject({ incident: { status: 'closed' }, vigil: { emitted_status: 'closed' } });
      await es.indices.refresh({ index });
      expect(await poller.pollOnce()).toEqual([]);
      const pending = await es.count({ index, query: analystChangesQuery() as never });
      expect(pending.count).toBe(0);
    } finally {
      await poller.stop();
    }
  });
});
