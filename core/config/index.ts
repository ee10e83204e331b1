export type * from './types.js';
export { loadConfig, parseConfig, defaultConfig, describeSchema, ConfigError, type FieldDoc } from './load.js';
export { vigilSchema, INPUT_TYPES, SINK_TYPES, VIGIL_TOPICS } from './schema.js';
export type { Env } from './env.js';
export { assertInputAuthenticated, inputAuthProblems } from './input-auth.js';
