export { startHecInput, type SplunkHecInput, type HecServerOptions, type HecConnectionInfo } from './server.js';
export {
  HEC_INPUT_DEFAULTS,
  withHecDefaults,
  CHANNEL_RE,
  type ResolvedToken,
  schema,
  type SplunkHecInputConfig,
  type SplunkHecTokenConfig,
} from './config.js';
export { TokenTable, tokenTable } from './tokens.js';
export { HEC_CODES, HecError, reply, NOT_FOUND, type HecCodeName, type HecReply } from './errors.js';
export { AckRegistry, type AckOptions } from './acks.js';
export { decodeEvents, decodeRaw, splitObjects, gunzipBounded, type HecEnvelope } from './decode.js';
export { routeOf, type Route, type HecDeps } from './handlers.js';
