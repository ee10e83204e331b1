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
  /** Applied when the topic is created. */
  configs: Record<string, string>;
  /** Names of `configs` that are set on an existing topic too (the others apply at creation only). */
  enforced?: readonly string[];
}

const HOUR_MS = 3_600_000;

/**
 * The specs with `min.insync.replicas` set at creation when `kafka.minInsyncReplicas` asks for
 * it (a spec that names its own keeps it). Applied where topics are provisioned, so every topic
 * Vigil creates (its own, work topics, changelogs) holds writes to the same number of replicas.
 */
export function withMinInsyncReplicas(specs: TopicSpec[], kafka: Pick<KafkaConfig, 'minInsyncReplicas'>): TopicSpec[] {
  const min = kafka.minInsyncReplicas ?? 0;
  if (min <= 0) return specs;
  return specs.map((s) => ({ ...s, configs: { 'min.insync.replicas': String(min), ...s.configs } }));
}

/**
 * A topic that hands work from one stage to the next (a repartition topic, the incident
 * builder's input). Its records carry the event's time as their timestamp, and with CreateTime
 * a batch of old events (a replay of an archive, a late forwarder) could be deleted by the
 * broker's next retention check before the next stage reads it. LogAppendTime ages a record from
 * when the broker wrote it; it is enforced on existing topics as well.
 */
export function workTopicSpec(
  name: string,
  kafka: Pick<KafkaConfig, 'replicationFactor' | 'eventsRetentionHours'>,
  partitions: number,
): TopicSpec {
  return {
    name,
    partitions,
    replicationFactor: kafka.replicationFactor,
    configs: { 'message.timestamp.type': 'LogAppendTime', 'retention.ms': String(kafka.eventsRetentionHours * HOUR_MS) },
    enforced: ['message.timestamp.type'],
  };
}

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
