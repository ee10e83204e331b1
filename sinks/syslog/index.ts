export { schema, type SyslogSinkConfig } from './config.js';
export {
  startSyslogSink,
  openSyslogDelivery,
  createSyslogDeliver,
  messageOptions,
  syslogTransport,
  type StartSyslogSinkOptions,
} from './sink.js';
export { encodeCef } from './cef.js';
export { encodeLeef } from './leef.js';
export { encodeBody, type BodyEncoding } from './encode.js';
export { frame, syslogLine } from './framing.js';
