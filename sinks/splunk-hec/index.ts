export { startSplunkHecSink, openSplunkHecDelivery, type StartSplunkHecSinkOptions } from './sink.js';
export { schema, withHecSinkDefaults, HEC_SINK_DEFAULTS, type SplunkHecSinkConfig, type HecMetadataOverrides } from './config.js';
export { encodeHecEvent, hecMetadata, type HecMetadata } from './encode.js';
export { classifyHecResponse, type HecVerdict, type HecResponse } from './classify.js';
export { AckPoller, type AckResult } from './acks.js';
export { createHecDeliver, type HecDeliveryOptions } from './deliver.js';
export { hecClient, type HecTransport } from './client.js';
