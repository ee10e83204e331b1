import { readRfc3164 } from './rfc3164.js';
import { readRfc5424 } from './rfc5424.js';
import { fail, parsePri, toText, type ParseOptions, type ParseResult } from './types.js';

/**
 * Parses one syslog message of either format. After a valid PRI, `VERSION SP` (1–3 digits then a
 * space) means RFC 5424; anything else is read as RFC 3164, whose timestamp never starts that way
 * (`Mmm`, or four digits for an RFC 3339 date). Never throws.
 */
export function parseSyslog(input: Buffer | string, opts: ParseOptions): ParseResult {
  const s = toText(input);
  const pri = parsePri(s);
  if (!pri.ok) return opts.allowMissingPri && s.charCodeAt(0) !== 0x3c ? readRfc3164(s, pri, opts) : fail(pri.reason, pri.index);
  return startsWithVersion(s, pri.end) ? readRfc5424(s, pri) : readRfc3164(s, pri, opts);
}

/** 1–3 digits then a space at `pos`. */
function startsWithVersion(s: string, pos: number): boolean {
  let i = pos;
  while (i < pos + 3 && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
  return i > pos && s.charCodeAt(i) === 0x20;
}
