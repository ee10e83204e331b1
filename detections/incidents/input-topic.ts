import { workTopicSpec, type Bus, type OutRecord, type TopicSpec } from '../../core/bus/index.js';
import type { KafkaConfig } from '../../core/config/types.js';

/**
 * `vigil.incident-alerts`: the incident builder's input. Grouping must see every alert that may
 * share an entity, so the topic has one partition: one builder, held by one instance at a time.
 * Whoever writes an alert to `vigil.alerts` writes it here too, in the same send (the correlate
 * stage in the same transaction): a hop less than re-keying `vigil.alerts` onto it. A duplicate
 * (the detect stage is at-least-once) changes nothing: the builder knows its alert ids.
 */
export function incidentInputTopic(topicPrefix: string): string {
  return `${topicPrefix}vigil.incident-alerts`;
}

export function incidentInputTopicSpec(kafka: KafkaConfig): TopicSpec {
  return workTopicSpec(incidentInputTopic(kafka.topicPrefix), kafka, 1);
}

export async function ensureIncidentInputTopic(bus: Bus): Promise<string> {
  const spec = incidentInputTopicSpec(bus.config);
  await bus.ensureTopics([spec]);
  return spec.name;
}

export const INCIDENTS_KEY = 'incidents';

/** The copies of alerts for the incident builder: the same records, one partition. */
export function forIncidents(alerts: readonly OutRecord[]): OutRecord[] {
  return alerts.map((a) => ({ ...a, key: INCIDENTS_KEY }));
}
