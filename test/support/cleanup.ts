import { Bus } from '../../core/bus/index.js';
import type { VigilConfig } from '../../core/config/index.js';
import { deleteIndicesMatching, esClient } from '../../sinks/elasticsearch/index.js';

/** Deletes a test's topics and indices (its own prefixes only). */
export async function cleanupTest(config: VigilConfig): Promise<void> {
  const bus = new Bus(config.kafka, 'cleanup');
  await bus.deleteTopics(Object.values(bus.topics)).catch(() => undefined);
  const es = esClient(config.elasticsearch);
  await deleteIndicesMatching(es, `${config.elasticsearch.indexPrefix}-*`);
  await es.close();
}
