import { describe, expect, it } from 'vitest';
import { withMinInsyncReplicas, workTopicSpec, type TopicSpec } from './topics.js';

describe('withMinInsyncReplicas', () => {
  const specs: TopicSpec[] = [
    workTopicSpec('w', { replicationFactor: 3, eventsRetentionHours: 1 }, 6),
    { name: 'own', partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': '3' } },
  ];

  it('sets min.insync.replicas at creation on every spec that names none', () => {
    const out = withMinInsyncReplicas(specs, { minInsyncReplicas: 2 });
    expect(out[0]?.configs).toMatchObject({ 'min.insync.replicas': '2', 'message.timestamp.type': 'LogAppendTime' });
    expect(out[1]?.configs['min.insync.replicas']).toBe('3');
  });

  it('leaves the broker default when unset', () => {
    expect(withMinInsyncReplicas(specs, {})).toBe(specs);
    expect(specs[0]?.configs['min.insync.replicas']).toBeUndefined();
  });
});
