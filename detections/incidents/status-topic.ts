import type { Publisher, TopicSpec } from '../../core/bus/index.js';
import { provisionTopics } from '../../core/bus/admin.js';
import { createKafka } from '../../core/bus/kafka-client.js';
import { withMinInsyncReplicas } from '../../core/bus/topics.js';
import type { KafkaConfig } from '../../core/config/types.js';
import { incidentChangeRecord, type IncidentChange } from './change.js';

/**
 * `vigil.incident-status`: status changes, and every other change people and playbooks make to
 * incidents (change.ts: assignee, notes, severity, enrichments, merges), flowing back to the
 * incident builder. It is not (yet)
 * one of the bus's own topics (`core/bus/topics.ts`), so it is provisioned here, with the same
 * admin path `Bus.provision` uses. Keyed by incident id and compacted: the latest change of each
 * incident survives, which is all the builder needs.
 */
export function incidentStatusTopic(topicPrefix: string): string {
  return `${topicPrefix}vigil.incident-status`;
}

const HOUR_MS = 3_600_000;

export function incidentStatusTopicSpec(kafka: KafkaConfig): TopicSpec {
  return {
    name: incidentStatusTopic(kafka.topicPrefix),
    partitions: kafka.partitions,
    replicationFactor: kafka.replicationFactor,
    configs: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': String(HOUR_MS) },
  };
}

/** Creates the topic when it is missing (retrying while Kafka is down, as `Bus.provision`). Resolves to its name. */
export async function ensureIncidentStatusTopic(kafka: KafkaConfig): Promise<string> {
  const spec = incidentStatusTopicSpec(kafka);
  await provisionTopics(createKafka(kafka, 'incident-status-admin'), withMinInsyncReplicas([spec], kafka), kafka.brokers);
  return spec.name;
}

/** Writes status changes (or any incident change: the same records as `publishIncidentChanges`); resolves once Kafka acknowledged them (acks=all). */
export function publishStatusChanges(publisher: Publisher, topic: string, changes: readonly IncidentChange[]): Promise<void> {
  return publishIncidentChanges(publisher, topic, changes);
}

/** Writes incident changes of any kind (change.ts); resolves once Kafka acknowledged them (acks=all). */
export function publishIncidentChanges(publisher: Publisher, topic: string, changes: readonly IncidentChange[]): Promise<void> {
  return publisher.send(topic, changes.map(incidentChangeRecord));
}
