export { startS2sInput, type SplunkS2sInput, type S2sInputDeps, type S2sServerOptions, type S2sConnectionInfo } from './server.js';
export { S2S_INPUT_DEFAULTS, withS2sDefaults, tlsServerOptions } from './config.js';
export {
  COOKED_BANNER_V3,
  CONTROL_REPLY,
  SIGNATURE_BYTES,
  S2sDecoder,
  S2sProtocolError,
  decodeMessageBody,
  decodeSignature,
  encodeControlMessage,
  encodeMessage,
  encodeSignature,
  pairText,
  pairValue,
  parseCapabilities,
  type Decoded,
  type Pair,
  type S2sMessage,
  type Signature,
} from './protocol.js';
export { S2sAssembler, messageMeta, messageTime } from './records.js';
export { openS2s, encodeEvent, eventPairs, encodeMeta, type S2sEvent, type S2sSender, type S2sSenderOptions } from './sender.js';
