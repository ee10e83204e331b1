export { parseSyslog } from './syslog.js';
export { parseRfc5424, parseStructuredData } from './rfc5424.js';
export { parseRfc3164 } from './rfc3164.js';
export { parsePri, type SyslogRecord, type ParseResult, type ParseOptions } from './types.js';
export { isValidTimeZone } from './time.js';
