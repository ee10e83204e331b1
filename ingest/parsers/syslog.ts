import { parseRfc3164 } from './rfc3164.js';
import { parseRfc5424 } from './rfc5424.js';
import { fail, parsePri, toText, type ParseOptions, type ParseResult } from './types.js';

/**
 * Parses one syslog message of either format. After a valid PRI, `VERSION SP` (1–3 digits then a
 * space) means RFC 5424; anything else is read as RFC 3164, whose timestamp never starts that way
 * (`Mmm`, or four digits for an RFC 3339 date). Never throws.
 */
export function parseSyslog(input: Buffer | string, opts: ParseOptions): ParseResult {
  const s = toText(input);
  const pri = parsePri(s);
  if (!pri.ok) return opts.allowMissingPri && s.charCodeAt(0) !== 0x3c ? parseRfc3164(s, opts) : fail(pri.reason, pri.index);
  return /^\d{1,3} /.test(s.slice(pri.end, pri.end + 4)) ? parseRfc5424(s) : parseRfc3164(s, opts);
}
