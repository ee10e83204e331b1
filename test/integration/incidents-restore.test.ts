/**
 * The incident stage restarted on REAL Kafka: its builder comes back from the compacted changelog,
 * so alerts after a restart join, are suppressed into, or are recognised as redeliveries of the
 * incidents from before it; a changelog written before its state records were stored unquoted
 * (the processor's default JSON serde quoted them) restores too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bus, type InRecord } from '../../core/bus/index.js';
import type { EcsEvent } from '../../core/event/index.js';
import { changelogTopic, jsonSerde } from '../../core/state/index.js';
import { buildAlert } from '../../detections/model/index.js';
import {
  forIncidents,
  IncidentBuilder,
  incidentChange,
  incidentChangeRecord,
  incidentInputTopic,
  incidentStatusTopic,
  type IncidentDocument,
} from '../../detections/incidents/index.js';
import { startIncidentStage } from '../../detections/incidents/stage.js';
import type { RunningStage } from '../../core/stage.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';

function alert(n: number, minutes: number, host = 'web-restore'): EcsEvent {
  const at = new Date(Date.parse('2025-03-01T10:00:00Z') + minutes * 60_000);
  return buildAlert(
    { id: 'ssh-brute-force', title: 'SSH brute force', level: 'high', tags: [], references: [], techniques: [], tactics: [] },
    {
      '@timestamp': at.toISOString(),
      message: 'Failed password for root',
      host: { name: host },
      vigil: { id: `ev-${host}-${n}`, input: 'test', received_at: at.toISOString(), parse_status: 'ok' },
    },
    ['selection'],
    at,
  );
}

describe('the incident stage after a restart (Kafka)', () => {
  const config = testConfig('increstore');
  const bus = new Bus(config.kafka, 'incidents-restore-test');
  const input = incidentInputTopic(config.kafka.topicPrefix);
  const changelog = changelogTopic(config.kafka.topicPrefix, 'incidents');
  let stages: RunningStage[] = [];

  beforeAll(async () => {
    await bus.provision();
  });

  afterAll(async () => {
    for (const s of stages) await s.close();
    await bus.close();
    await cleanupTest(config);
  });

  const docs = async (n: number): Promise<IncidentDocument[]> => {
    const recs: InRecord[] = await bus.read(bus.topics.incidents, { until: (r) => r.length >= n, timeoutMs: 60_000 });
    return recs.map((r) => JSON.parse(r.value.toString('utf8')) as IncidentDocument);
  };
  const send = async (...alerts: EcsEvent[]) =>
    (await bus.producer()).send(input, forIncidents(alerts.map((a) => ({ key: null, value: JSON.stringify(a) }))));
  const restart = async () => {
    for (const s of stages) await s.close();
    stages = await startIncidentStage({ config, bus });
  };

  it('restores from a changelog in the quoted format, then from its own', async () => {
    // The state a builder had after the first alert, as the default JSON serde wrote it.
    const before = new IncidentBuilder();
    const id = before.add(alert(1, 0)).incidentId;
    const [state] = before.changes();
    await bus.ensureTopics([
      { name: changelog, partitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } },
      { name: input, partitions: 1, replicationFactor: 1, configs: {} },
    ]);
    await (await bus.producer()).send(changelog, [{ key: id, value: jsonSerde<string>().serialize(state?.value as string) }]);

    await restart();
    await send(alert(2, 10));
    const [second] = await docs(1);
    // Restored: the repeat is suppressed into the incident from before (unrestored, it would open another).
    expect(second?.incident).toMatchObject({ id, alert_count: 2, version: 2 });

    await restart();
    // A redelivery of alert 2 changes nothing; alert 3 joins the same incident.
    await send(alert(2, 10), alert(3, 20));
    const all = await docs(2);
    expect(all.map((d) => [d.incident.id, d.incident.alert_count, d.incident.version])).toEqual([
      [id, 2, 2],
      [id, 3, 3],
    ]);
    const stored = await bus.read(changelog, { until: (r) => r.filter((x) => x.key === id).length >= 3, timeoutMs: 30_000 });
    expect(stored.filter((r) => r.key === id).map((r) => r.value.subarray(0, 1).toString())).toEqual(['"', '{', '{']);
  }, 180_000);
  it('answers a status change once after it took its partition back from another instance', async () => {
    if (stages.length === 0) await restart();
    const host = 'web-rebalance';
    const versions = async (id: string, n: number): Promise<IncidentDocument[]> => {
      const recs = await bus.read(bus.topics.incidents, {
        until: (r) => r.filter((x) => x.key === id).length >= n,
        timeoutMs: 60_000,
      });
      return recs.filter((r) => r.key === id).map((r) => JSON.parse(r.value.toString('utf8')) as IncidentDocument);
    };
    await send(alert(1, 0, host));
    const onHost = (r: InRecord) => (JSON.parse(r.value.toString('utf8')) as IncidentDocument).incident.entities?.hosts?.includes(host);
    const opened = await bus.read(bus.topics.incidents, { until: (r) => r.some(onHost), timeoutMs: 60_000 });
    const id = opened.find(onHost)?.key as string;
    expect(id).toBeTruthy();

    // A second instance joins: kafkajs's round-robin assignor gives the one partition to the member
    // whose id sorts first, and this client id sorts before the first instance's.
    const other = new Bus(config.kafka, 'incidents-restore-0');
    const second = await startIncidentStage({ config, bus: other });
    await send(alert(2, 10, host));
    await versions(id, 2);
    // It leaves: the first instance takes the partition back and starts it again from the changelog.
    for (const s of second) await s.close();
    await other.close();
    await send(alert(3, 20, host));
    await versions(id, 3);

    const producer = await bus.producer();
    const ack = incidentChange({ incidentId: id, at: new Date(), by: 'test', source: 'test', kind: 'status', status: 'acknowledged' });
    await producer.send(incidentStatusTopic(config.kafka.topicPrefix), [incidentChangeRecord(ack)]);
    await versions(id, 4);
    const after = (await bus.read(bus.topics.incidents, { idleMs: 3000, timeoutMs: 30_000 }))
      .filter((r) => r.key === id)
      .map((r) => JSON.parse(r.value.toString('utf8')) as IncidentDocument)
      .filter((d) => d.incident.status === 'acknowledged');
    // One document for the change, from the state as it is now (3 alerts); a builder left over
    // from before the partition moved would publish a second one from the state it had then.
    expect(after.map((d) => [d.incident.alert_count, d.incident.version])).toEqual([[3, 4]]);
  }, 240_000);
});
