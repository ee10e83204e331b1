export { startSentinelSink, openSentinelDelivery, type StartSentinelSinkOptions, type SentinelDelivery } from './sink.js';
export { schema, withSentinelDefaults, SENTINEL_DEFAULTS, DEFAULT_SENTINEL_COLUMNS, type SentinelSinkConfig } from './config.js';
export { sentinelRow } from './columns.js';
export { createSentinelDeliver } from './deliver.js';
export { fetchEntraToken, sentinelPoster, LOGS_INGESTION_API_VERSION } from './client.js';
