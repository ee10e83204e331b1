import { Bus } from '../../core/bus/index.js';
import type { VigilConfig } from '../../cli/config/schema.js';
import { deleteIndicesMatching, esClient } from '../../sinks/elasticsearch/index.js';

/** Deletes a test's topics and indices (its own prefixes only). */
export async function cleanupTest(config: VigilConfig): Promise<void> {
  const bus = new Bus(config.kafka, 'cleanup');
  // Every topic of the test's own prefix: the bus's, and the repartition, changelog and replay topics stages made.
  const own = (await bus.listTopics().catch(() => [] as string[])).filter((t) => t.startsWith(config.kafka.topicPrefix));
  if (own.length > 0) await bus.deleteTopics(own).catch(() => undefined);
  const es = esClient(config.elasticsearch);
  const prefix = config.elasticsearch.indexPrefix;
  await deleteIndicesMatching(es, `${prefix}-*`);
  // One request per template: a comma list fails whole when one of them does not exist.
  for (const name of [prefix, `${prefix}-ds`, `${prefix}-deadletter`])
    await es.indices.deleteIndexTemplate({ name }, { ignore: [404] }).catch(() => undefined);
  await es.close();
}
