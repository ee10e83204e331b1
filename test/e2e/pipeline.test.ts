import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@elastic/elasticsearch';
import { startStages, type RunningStages } from '../../cli/stages.js';
import type { VigilConfig } from '../../cli/config/schema.js';
import type { EcsEvent } from '../../core/event/index.js';
import { sendTcp, sendUdp } from '../../ingest/inputs/syslog/sender.js';
import { esClient } from '../../sinks/elasticsearch/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';
import { startReceiver as startWebhook } from '../../cli/demo/receiver.js';
import { waitFor } from '../support/wait.js';

/**
 * The walking skeleton on the real services: syslog over real UDP and TCP sockets → Kafka →
 * Sigma rules → incidents → a BullMQ playbook calling a local webhook → Elasticsearch.
 */
describe('pipeline end to end (real Kafka, Redis, Elasticsearch)', () => {
  let config: VigilConfig;
  let pipeline: RunningStages;
  let webhook: Awaited<ReturnType<typeof startWebhook>>;
  let es: Client;
  const index = (t: string) => `${config.elasticsearch.indexPrefix}-${t}`;
  const count = async (t: string, query?: object) => {
    await es.indices.refresh({ index: index(t) });
    return (await es.count({ index: index(t), ...(query ? { query } : {}) })).count;
  };

  beforeAll(async () => {
    webhook = await startWebhook();
    config = testConfig('e2e', { SOC_WEBHOOK_URL: `${webhook.url}/hooks/soc` });
    es = esClient(config.elasticsearch);
    pipeline = await startStages(config);
  });

  afterAll(async () => {
    await pipeline?.close();
    await webhook?.close();
    if (config) await cleanupTest(config);
    await es?.close();
  });

  it('turns syslog lines into ECS events, incidents, a playbook run and ES documents', async () => {
    const stamp = Date.now().toString(36);
    const udp = [
      `<38>Nov 21 09:14:03 web-e2e sshd[2231]: Failed password for invalid user admin from 203.0.113.45 port 5${stamp.slice(-4).replace(/\D/g, '1')} ssh2`,
      `<38>Nov 21 09:14:05 web-e2e sshd[2233]: Failed password for root from 203.0.113.45 port 52001 ssh2 ${stamp}`,
    ];
    const tcp = [
      `<86>1 2026-11-21T09:20:11.120Z web-e2e sudo - - - deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/bin/bash -i #${stamp}`,
      `<30>Nov 21 09:21:00 web-e2e systemd[1]: Started Session 42 of user deploy. ${stamp}`,
    ];
    const garbage = `this line has no syslog header at all ${stamp}`;
    const udpPort = pipeline.ports['syslog-udp'] as number;
    const tcpPort = pipeline.ports['syslog-tcp'] as number;
    await sendUdp('127.0.0.1', udpPort, [...udp, garbage]);
    await sendTcp('127.0.0.1', tcpPort, tcp, 'octet-counting');

    // ECS event in Elasticsearch, with the fields the sudo parser extracts.
    await waitFor('4 events in ES', async () => (await count('events')) >= 4, 60_000);
    expect(await count('events')).toBe(4);
    const sudo = await es.search<EcsEvent>({ index: index('events'), query: { term: { 'process.name': 'sudo' } } });
    const sudoEvent = sudo.hits.hits[0]?._source;
    expect(sudoEvent?.user).toMatchObject({ name: 'deploy', effective: { name: 'root' } });
    expect(sudoEvent?.host?.name).toBe('web-e2e');
    expect(sudo.hits.hits[0]?._id).toBe(sudoEvent?.vigil?.id);

    // The unparseable line is on the dead-letter topic with its raw bytes and a reason.
    const dead = await pipeline.bus.read(pipeline.bus.topics.deadletter, { until: (r) => r.length >= 1, timeoutMs: 30_000 });
    const letter = JSON.parse(dead[0]!.value.toString('utf8'));
    expect(letter).toMatchObject({ stage: 'ingest', component: 'syslog-udp', raw: { encoding: 'utf8', data: garbage } });
    expect(letter.reason).toMatch(/\S/);

    // The sudo-to-root incident on Kafka and in Elasticsearch.
    const incidents = await pipeline.bus.read(pipeline.bus.topics.incidents, {
      until: (r) => r.some((x) => x.value.toString().includes('"severity":"high"')),
      timeoutMs: 60_000,
    });
    const sudoIncident = incidents.map((r) => JSON.parse(r.value.toString())).find((d) => d.incident.severity === 'high');
    expect(sudoIncident.incident).toMatchObject({ status: 'open', host: { name: 'web-e2e' } });
    expect(sudoIncident.incident.threat.technique).toContain('T1548.003');
    const incidentId: string = sudoIncident.incident.id;
    await waitFor('incident in ES', async () => (await es.exists({ index: index('incidents'), id: incidentId })) === true, 60_000);

    // The playbook called the webhook with a body templated from the incident.
    const call = await waitFor('webhook call', async () => webhook.calls.find((c) => JSON.stringify(c.body).includes(incidentId)), 60_000);
    expect(call.method).toBe('POST');
    expect(JSON.stringify(call.body)).toContain('web-e2e');

    // …and the run is audited on vigil.actions and indexed.
    const actions = await pipeline.bus.read(pipeline.bus.topics.actions, {
      until: (r) => r.some((x) => x.value.toString().includes(incidentId) && x.value.toString().includes('succeeded')),
      timeoutMs: 60_000,
    });
    expect(actions.length).toBeGreaterThan(0);
    await waitFor('actions in ES', async () => (await count('actions')) > 0, 60_000);

    // An analyst closes the incident in Kibana: the sink stage's poller hands the change to the
    // incident builder, whose next version of the incident carries it, on Kafka and in ES.
    await es.update({
      index: index('incidents'),
      id: incidentId,
      doc: { incident: { status: 'closed', status_by: 'e2e-analyst' } },
      refresh: true,
      // The sink may write a new version of the incident at the same moment: then re-read and re-apply the edit.
      retry_on_conflict: 5,
    });
    const isClosed = (x: { value: Buffer }) => {
      const d = JSON.parse(x.value.toString()) as { incident: { id: string; status: string } };
      return d.incident.id === incidentId && d.incident.status === 'closed';
    };
    const after = await pipeline.bus.read(pipeline.bus.topics.incidents, { until: (r) => r.some(isClosed), timeoutMs: 60_000 });
    const closed = after.find(isClosed);
    expect(closed, 'a closed version of the incident on vigil.incidents').toBeDefined();
    expect(JSON.parse((closed as { value: Buffer }).value.toString()).incident).toMatchObject({
      status: 'closed',
      status_change: { by: 'e2e-analyst', source: 'elasticsearch' },
    });
    await waitFor(
      'the closed incident in ES',
      async () => {
        const doc = await es.get<{ vigil?: { emitted_status?: string } }>({ index: index('incidents'), id: incidentId });
        return doc._source?.vigil?.emitted_status === 'closed';
      },
      60_000,
    );
  });
});
