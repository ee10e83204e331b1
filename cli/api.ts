import type { Bus } from '../core/bus/index.js';
import { topicsFor } from '../core/bus/index.js';
import { startApi, type RunningApi } from '../api/index.js';
import { ensureIncidentStatusTopic } from '../detections/incidents/index.js';
import { esClient, resolveSinkConfig } from '../sinks/elasticsearch/index.js';
import type { VigilConfig } from './config/schema.js';

/**
 * Starts the responder API when `api.enabled`, reading incidents where the first Elasticsearch
 * sink that indexes them writes (else under `elasticsearch.indexPrefix`).
 */
export async function startConfiguredApi(config: VigilConfig, bus: Bus): Promise<RunningApi | undefined> {
  if (!config.api?.enabled) return undefined;
  const sink = config.sinks.find((s) => s.type === 'elasticsearch' && s.topics.includes('incidents'));
  const indexPrefix =
    sink?.type === 'elasticsearch' ? resolveSinkConfig(sink, config.elasticsearch).indexPrefix : config.elasticsearch.indexPrefix;
  const es = esClient(config.elasticsearch);
  const api = await startApi({
    api: config.api,
    redis: config.redis,
    playbooks: config.playbooks,
    es,
    indexPrefix,
    publisher: await bus.producer(),
    statusTopic: await ensureIncidentStatusTopic(config.kafka),
    actionsTopic: topicsFor(config.kafka.topicPrefix).actions,
  }).catch(async (err: unknown) => {
    await es.close();
    throw err;
  });
  return {
    ...api,
    close: async () => {
      await api.close();
      await es.close();
    },
  };
}
