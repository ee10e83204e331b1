export { SyslogFramer, stripTrailers, type Frame, type FramerOptions } from './framer.js';
export {
  S2sDecoder,
  S2sProtocolError,
  CONTROL_REPLY,
  SIGNATURE_BYTES,
  encodeMessage,
  encodeSignature,
  pairText,
  pairValue,
  type S2sMessage,
} from './s2s.js';
