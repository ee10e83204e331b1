export { startS2sInput, type SplunkS2sInput, type S2sInputDeps, type S2sServerOptions, type S2sConnectionInfo } from './server.js';
export { S2S_INPUT_DEFAULTS, withS2sDefaults, schema, type SplunkS2sInputConfig } from './config.js';
