export { startPubSubInput, type PubSubInput } from './server.js';
export { unwrapPush, type PushedMessage } from './envelope.js';
export { PUBSUB_DEFAULTS, withPubSubDefaults, schema, type GcpPubSubInputConfig, type PubSubOidcConfig } from './config.js';
