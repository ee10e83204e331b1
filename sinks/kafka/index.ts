export { startKafkaSink, openKafkaDelivery, createKafkaDeliver, targetKafkaConfig, type StartKafkaSinkOptions } from './sink.js';
export { schema, withKafkaSinkDefaults, KAFKA_SINK_DEFAULTS, type KafkaSinkConfig } from './config.js';
export { topicTemplate, recordKey } from './target.js';
