export { parseSyslog } from './syslog.js';
export { parseRfc5424, parseStructuredData } from './rfc5424.js';
export { parseRfc3164 } from './rfc3164.js';
export { parsePri, type SyslogRecord, type ParseResult, type ParseOptions } from './types.js';
export { isValidTimeZone } from './time.js';
export { parseCef, findCef, type CefRecord, type CefResult } from './cef.js';
export { parseLeef, findLeef, type LeefRecord, type LeefResult } from './leef.js';
export {
  parseRecord,
  withPayload,
  parseJsonRecord,
  RECORD_FORMATS,
  type ParsedRecord,
  type RecordFormat,
  type RecordResult,
  type RecordParseOptions,
} from './record.js';
export { parseTimestamp, parseEpoch, parseJavaDate, compileJavaPattern, zoneTokenOffset, type TimeContext } from './datetime.js';
