export { startRelpInput, type RelpInput, type RelpServerOptions, type RelpConnectionInfo } from './server.js';
export { RELP_INPUT_DEFAULTS, withRelpDefaults, validateRelpInput, schema, type RelpInputConfig } from './config.js';
export { RelpSession, type SessionStep, type SessionOptions } from './session.js';
export {
  RelpDecoder,
  SERVER_CLOSE,
  encodeCloseResponse,
  encodeFrame,
  encodeResponse,
  formatOffers,
  nextTxnr,
  parseOffers,
  parseResponse,
  type Decoded,
  type Offers,
  type RelpFrame,
  type Response,
} from './protocol.js';
