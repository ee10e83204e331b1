import type { AzureEventHubsInputConfig } from './config.js';
import { logger, metrics } from '../../../core/telemetry/index.js';
import { Batch, bytesResults, emit, type EmitTarget } from '../../normalize/cloud/index.js';
import { startHubConsumer, type HubMessage } from './client.js';

export interface EventHubsInput {
  /** Not a listener: always 0. */
  port: number;
  close(): Promise<void>;
  connections(): never[];
}

/**
 * Azure Event Hubs through its Kafka endpoint. Each event is usually an Azure Monitor payload
 * `{records:[…]}` (diagnostic settings batch many records into one event): it fans out into one
 * ECS event per record, normalized by category (activity log, Entra ID sign-ins, other resource
 * logs). The partition's offset is committed only after Kafka (Vigil's) acknowledged them.
 */
export async function startEventHubsInput(cfg: AzureEventHubsInputConfig, target: EmitTarget): Promise<EventHubsInput> {
  const log = logger(cfg.id, { kind: 'input', type: 'azure-eventhubs' });
  const labels = { kind: 'input', id: cfg.id } as const;
  const handler = async (messages: HubMessage[]): Promise<void> => {
    const batch = new Batch(cfg.id);
    const ctx = { inputId: cfg.id, receivedAt: new Date(), keepOriginal: cfg.keepOriginal };
    for (const m of messages) batch.add(bytesResults(m.value, ctx, 'azure.eventhub'));
    await emit(target, batch);
  };
  const consumer = await startHubConsumer({
    clientId: `vigil-${cfg.id}`,
    brokers: cfg.brokers,
    topic: cfg.topic,
    groupId: cfg.consumerGroup,
    tls: cfg.tls,
    ...(cfg.connectionString ? { connectionString: cfg.connectionString } : {}),
    fromBeginning: cfg.fromBeginning,
    log,
    handler,
  });
  metrics.up.set(labels, 1);
  log.info({ brokers: cfg.brokers, topic: cfg.topic, group: cfg.consumerGroup }, 'event hubs input consuming');
  let closed: Promise<void> | undefined;
  return {
    port: 0,
    connections: () => [],
    close() {
      closed ??= consumer.stop().then(() => void metrics.up.set(labels, 0));
      return closed;
    },
  };
}
