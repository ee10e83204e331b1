/**
 * Azure Event Hubs through its Kafka endpoint, stood in for by a topic of the local Kafka with
 * SASL and TLS off: Azure Monitor `{records:[…]}` events fan out to one ECS event per record,
 * and the hub offsets are committed after Vigil's Kafka acknowledged them.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bus } from '../../core/bus/index.js';
import type { VigilConfig } from '../../cli/config/schema.js';
import { startStages, type RunningStages } from '../../cli/stages.js';
import { withEventHubsDefaults } from '../../ingest/inputs/azure-eventhubs/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';
import { waitFor } from '../support/wait.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/cloud/azure/${name}`, import.meta.url), 'utf8');

let config: VigilConfig;
let hubConfig: VigilConfig;
let hub: Bus;
let pipeline: RunningStages;

beforeAll(async () => {
  // The "event hub": the events topic of a second, throwaway prefix on the same local Kafka.
  hubConfig = testConfig('cloud-hub');
  hub = new Bus(hubConfig.kafka, 'hub');
  await hub.provision();
  const producer = await hub.producer();
  await producer.send(hub.topics.events, [
    { key: null, value: fixture('activity-vm-write.json') }, // two records
    {
      key: null,
      value: JSON.stringify({ records: [JSON.parse(fixture('signin-success.json')), JSON.parse(fixture('signin-failure.json'))] }),
    },
    { key: null, value: 'not json at all' },
  ]);
  config = testConfig('cloud-eventhubs');
  config.sinks = [];
  config.inputs = [
    withEventHubsDefaults({
      id: 'eventhubs',
      brokers: config.kafka.brokers,
      topic: hub.topics.events,
      consumerGroup: `${config.kafka.groupPrefix}-hub`,
      tls: false,
      fromBeginning: true,
    }),
  ];
  pipeline = await startStages(config, ['ingest']);
});

afterAll(async () => {
  await pipeline?.close();
  await hub?.close();
  if (config) await cleanupTest(config);
  if (hubConfig) await cleanupTest(hubConfig);
});

describe('azure-eventhubs input on real Kafka', () => {
  it('fans out Azure Monitor records, normalizes activity and sign-in logs, commits after the ack', async () => {
    const events = await pipeline.bus.read(pipeline.bus.topics.events, { until: (r) => r.length >= 5, timeoutMs: 60_000 });
    const docs = events.map(
      (r) => JSON.parse(r.value.toString('utf8')) as { message?: string; event: { dataset: string; outcome?: string } },
    );
    expect(docs.map((d) => `${d.event.dataset}:${d.event.outcome ?? '-'}`).sort()).toEqual([
      'azure.activitylogs:failure',
      'azure.activitylogs:unknown',
      'azure.eventhub:-', // a non-JSON event: kept as text
      'azure.signinlogs:failure',
      'azure.signinlogs:success',
    ]);
    await waitFor(
      'hub offsets committed',
      async () => {
        const committed = await pipeline.bus.committedOffsets('hub', hub.topics.events);
        const total = committed.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
        return total === 3;
      },
      30_000,
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect(await pipeline.bus.countRecords(pipeline.bus.topics.events)).toBe(5);
  });
});
