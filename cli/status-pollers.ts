import { topicsFor, type Bus } from '../core/bus/index.js';
import type { VigilConfig } from './config/schema.js';
import type { RunningStage } from '../core/stage.js';
import { ensureIncidentStatusTopic, startEsStatusPoller } from '../detections/incidents/index.js';
import { esClient, indexName, resolveSinkConfig } from '../sinks/elasticsearch/index.js';

/**
 * Where an Elasticsearch sink writes incidents, analysts triage them in Kibana: for each such
 * index, a poller hands the status changes they make on the documents to the incident builder
 * and their audit records to `vigil.actions` (detections/incidents/es-status-poller.ts). Runs with the sink stage, which owns the index;
 * two processes polling one index send a change twice, which the builder ignores.
 */
export async function startStatusPollers({ config, bus }: { config: VigilConfig; bus: Bus }): Promise<RunningStage[]> {
  const indices = new Set<string>();
  for (const sink of config.sinks) {
    if (sink.type !== 'elasticsearch' || !sink.topics.includes('incidents')) continue;
    indices.add(indexName(resolveSinkConfig(sink, config.elasticsearch).indexPrefix, 'incidents'));
  }
  if (indices.size === 0) return [];
  const topic = await ensureIncidentStatusTopic(config.kafka);
  const publisher = await bus.producer();
  return [...indices].map((index) => {
    const es = esClient(config.elasticsearch);
    const poller = startEsStatusPoller({ es, index, publisher, topic, actionsTopic: topicsFor(config.kafka.topicPrefix).actions });
    return {
      name: `status-poller:${index}`,
      close: async () => {
        await poller.stop();
        await es.close();
      },
    };
  });
}
