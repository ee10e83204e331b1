import type { KafkaConfig } from '../config/types.js';
import type { TopicName } from './types.js';

export const TOPIC_NAMES: readonly TopicName[] = ['events', 'alerts', 'incidents', 'actions', 'deadletter'];

/** The full name of every Vigil topic under one prefix. */
export type Topics = Record<TopicName, string>;

export function topicsFor(prefix: string): Topics {
  return Object.fromEntries(TOPIC_NAMES.map((t) => [t, `${prefix}vigil.${t}`])) as Topics;
}

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

const HOUR_MS = 3_600_000;

/**
 * How each topic is provisioned. Incidents are compacted: one record per incident id, so the
 * latest state of every incident survives. Dead letters are kept longer than events because
 * someone must look at them.
 */
export function topicSpecs(kafka: KafkaConfig): TopicSpec[] {
  const t = topicsFor(kafka.topicPrefix);
  const base = { partitions: kafka.partitions, replicationFactor: kafka.replicationFactor };
  const retention = (hours: number) => ({ 'retention.ms': String(hours * HOUR_MS) });
  return [
    { name: t.events, ...base, configs: retention(kafka.eventsRetentionHours) },
    { name: t.alerts, ...base, configs: retention(kafka.eventsRetentionHours * 4) },
    { name: t.incidents, ...base, configs: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': String(HOUR_MS) } },
    { name: t.actions, ...base, configs: retention(kafka.eventsRetentionHours * 4) },
    { name: t.deadletter, ...base, configs: retention(kafka.eventsRetentionHours * 4) },
  ];
}
