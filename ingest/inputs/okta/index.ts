export { startOktaInput, type OktaInput } from './input.js';
export { OktaClient, nextLink, rateLimitOf, msUntilReset, type LogPage, type RateLimit } from './client.js';
export { advance, type OktaCheckpoint } from './checkpoint.js';
export { OKTA_DEFAULTS, withOktaDefaults, schema, type OktaInputConfig } from './config.js';
