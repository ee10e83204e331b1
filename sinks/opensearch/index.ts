export { startOpenSearchSink, openOpenSearchDelivery, createOpenSearchDeliver, type StartOpenSearchSinkOptions } from './sink.js';
export { schema, withOpenSearchSinkDefaults, OPENSEARCH_SINK_DEFAULTS, type OpenSearchSinkConfig } from './config.js';
export { classifyItem, classifyRequestError, type BulkItem } from './classify.js';
export { bulkBody, documentId, indexFor } from './encode.js';
export { openSearchClient, type OpenSearchTransport } from './client.js';
