import { writeFileSync } from 'node:fs';
import type { VigilConfig } from '../../cli/config/schema.js';

/**
 * Writes the config file a test hands the real CLI (`--config`): the test's own Kafka names
 * (topics, groups, partitions, no compression) and, when asked, its Elasticsearch index prefix.
 */
export function writeCliConfig(file: string, config: VigilConfig, opts: { elasticsearch?: boolean } = {}): void {
  const k = config.kafka;
  const lines = [
    'kafka:',
    `  brokers: [${k.brokers.join(', ')}]`,
    `  topicPrefix: "${k.topicPrefix}"`,
    `  groupPrefix: "${k.groupPrefix}"`,
    `  partitions: ${k.partitions}`,
    '  compression: none',
  ];
  if (opts.elasticsearch) {
    lines.push('elasticsearch:', `  node: ${config.elasticsearch.node}`, `  indexPrefix: ${config.elasticsearch.indexPrefix}`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}
