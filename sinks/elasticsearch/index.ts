export {
  installTemplates,
  probeCapabilities,
  startElasticsearchSink,
  type RunningElasticsearchSink,
  type StartElasticsearchSinkOptions,
} from './sink.js';
export { esClient, waitForElasticsearch } from './client.js';
export {
  resolveSinkConfig,
  indexName,
  INDEXED_TOPICS,
  type ElasticsearchSinkOptions,
  type ElasticsearchSinkExtras,
  type IlmOptions,
  type IndexedTopic,
} from './config.js';
export { classifyItem, classifyRequestError, type Outcome, type Verdict } from './classify.js';
export { indexTemplates, ecsMappings, type FieldCapabilities } from './template.js';
export { deleteIndicesMatching, indexDocuments } from './admin.js';
