import { describe, expect, it } from 'vitest';
import type { Outgoing } from '../runner/index.js';
import { recordKey, topicTemplate } from './target.js';
import { targetKafkaConfig } from './sink.js';
import { withKafkaSinkDefaults } from './config.js';
import type { KafkaConfig } from '../../core/config/types.js';

const out = (doc: Record<string, unknown>, key: string | null = 'k0'): Outgoing => ({
  topic: 'events',
  route: 'fw',
  doc,
  source: { topic: 'vigil.events', partition: 0, offset: '7', key, value: Buffer.from('{}'), headers: {}, timestamp: 0 },
});

describe('topic template', () => {
  it.each([
    ['siem.out', {}, 'siem.out'],
    ['siem.{topic}', {}, 'siem.events'],
    ['siem.{route}.{topic}', {}, 'siem.fw.events'],
    ['logs-{event.dataset}', { event: { dataset: 'fortinet.firewall' } }, 'logs-fortinet.firewall'],
    ['logs-{event.dataset}', { 'event.dataset': 'a b/c' }, 'logs-a_b_c'],
    ['logs-{event.dataset}', {}, 'logs-unknown'],
    ['logs-{event.code}', { event: { code: 4624 } }, 'logs-4624'],
  ])('%s with %j names %s', (template, doc, topic) => {
    expect(topicTemplate(template)(out(doc))).toBe(topic);
  });

  it('never names a topic longer than Kafka allows', () => {
    expect(topicTemplate('t-{message}')(out({ message: 'x'.repeat(400) }))).toHaveLength(249);
  });
});

describe('record key', () => {
  it('takes the field, else the key the record was read with', () => {
    expect(recordKey('host.name')(out({ host: { name: 'gw-a' } }))).toBe('gw-a');
    expect(recordKey('host.name')(out({}))).toBe('k0');
    expect(recordKey('host.name')(out({}, null))).toBeNull();
    expect(recordKey(undefined)(out({ host: { name: 'gw-a' } }))).toBe('k0');
  });
});

describe('target cluster settings', () => {
  const own: KafkaConfig = {
    brokers: ['own:9092'],
    clientId: 'vigil',
    topicPrefix: '',
    groupPrefix: 'vigil',
    partitions: 1,
    replicationFactor: 1,
    eventsRetentionHours: 1,
    compression: 'gzip',
    gzipLevel: 1,
    maxRecordBytes: 1_000_000,
    sasl: { mechanism: 'plain', username: 'own', password: 'own-secret' },
  };

  it("keeps Vigil's own credentials only for Vigil's own cluster", () => {
    expect(targetKafkaConfig(withKafkaSinkDefaults({ id: 's', topic: 't' }), own)).toMatchObject({ brokers: ['own:9092'], sasl: own.sasl });
    const other = targetKafkaConfig(withKafkaSinkDefaults({ id: 's', topic: 't', brokers: ['other:9093'], compression: 'none' }), own);
    expect(other).toMatchObject({ brokers: ['other:9093'], compression: 'none' });
    expect(other.sasl).toBeUndefined();
  });
});
