import { VigilError } from '../../core/errors/index.js';
import { setOwn } from './types.js';

/**
 * One IBM QRadar Log Event Extended Format record.
 * LEEF 1.0: `LEEF:1.0|Vendor|Product|Version|EventID|` then `key=value` attributes separated by TAB.
 * LEEF 2.0: `LEEF:2.0|Vendor|Product|Version|EventID|Delimiter|` where Delimiter is one character
 * or its hex code (`x09`, `0x09`, `^`); without it, TAB. Header `\|` and attribute `\<delimiter>`,
 * `\=` and `\\` are unescaped.
 */
export interface LeefRecord {
  version: '1.0' | '2.0';
  vendor: string;
  product: string;
  productVersion: string;
  eventId: string;
  /** The attribute delimiter actually used. */
  delimiter: string;
  attributes: Record<string, string>;
}

export type LeefResult = { ok: true; record: LeefRecord } | { ok: false; error: VigilError };

function fail(reason: string, index: number): { ok: false; error: VigilError } {
  return { ok: false, error: new VigilError('PARSE_LEEF', reason, { location: { column: index + 1 } }) };
}

/** Where a LEEF record starts in a syslog MSG: at its start or after a TAG. -1 when absent. */
export function findLeef(message: string): number {
  if (message.startsWith('LEEF:')) return 0;
  const i = (message.length > 69 ? message.slice(0, 69) : message).indexOf(' LEEF:');
  return i >= 0 && i < 64 && /^LEEF:\d/.test(message.slice(i + 1, i + 7)) ? i + 1 : -1;
}

/** Reads `n` `|`-terminated header fields from `pos`, honouring `\|`. */
function readFields(text: string, pos: number, n: number): { fields: string[]; end: number } | undefined {
  const fields: string[] = [];
  // Fast path: no backslash before the n-th `|`, so no escapes to resolve.
  let end = pos;
  while (fields.length < n) {
    const bar = text.indexOf('|', end);
    if (bar < 0) break;
    fields.push(text.slice(end, bar));
    end = bar + 1;
  }
  if (fields.length === n && !hasBackslash(text, pos, end)) return { fields, end };
  fields.length = 0;
  let cur = '';
  let i = pos;
  while (fields.length < n) {
    if (i >= text.length) return undefined;
    const c = text[i] as string;
    if (c === '\\' && (text[i + 1] === '|' || text[i + 1] === '\\')) {
      cur += text[i + 1];
      i += 2;
      continue;
    }
    if (c === '|') {
      fields.push(cur);
      cur = '';
    } else {
      cur += c;
    }
    i++;
  }
  return { fields, end: i };
}

function hasBackslash(text: string, from: number, to: number): boolean {
  const i = text.indexOf('\\', from);
  return i >= 0 && i < to;
}

/** `x09`, `0x09`, `\t`, `^`, `tab` → the delimiter character; undefined when it is not one. */
function readDelimiter(field: string): string | undefined {
  if (field.length === 1) return field;
  const hex = /^(?:0?[xX])([0-9a-fA-F]{1,4})$/.exec(field);
  if (hex) return String.fromCharCode(parseInt(hex[1] as string, 16));
  if (field === '\\t' || field.toLowerCase() === 'tab') return '\t';
  return undefined;
}

/** Parses a LEEF record that starts at `text[0]` (`LEEF:`). Never throws. */
export function parseLeef(text: string): LeefResult {
  const vm = /^LEEF:(1\.0|2\.0|1|2)\|/.exec(text);
  if (!vm) return fail('a LEEF record starts with "LEEF:1.0|" or "LEEF:2.0|"', 0);
  const version: '1.0' | '2.0' = vm[1]!.startsWith('2') ? '2.0' : '1.0';
  const head = readFields(text, vm[0].length, 4);
  if (!head) return fail('LEEF header needs Vendor|Product|Version|EventID|', vm[0].length);
  const [vendor, product, productVersion, eventId] = head.fields as [string, string, string, string];
  let pos = head.end;
  let delimiter = '\t';
  if (version === '2.0') {
    // The delimiter field is optional: present when the next `|`-field is a delimiter spec.
    const bar = text.indexOf('|', pos);
    if (bar >= 0 && bar - pos <= 6) {
      const d = readDelimiter(text.slice(pos, bar));
      if (d !== undefined) {
        delimiter = d;
        pos = bar + 1;
      } else if (bar === pos) {
        pos = bar + 1; // `||`: an empty delimiter field, TAB applies
      }
    }
  } else if (!text.includes('\t', pos)) {
    // LEEF 1.0 mandates TAB, but some senders use another delimiter: take `|` or `^` when they
    // separate key=value pairs and TAB never appears.
    const alt = ['|', '^'].find((d) => new RegExp(`\\${d}[A-Za-z_][\\w.-]*=`).test(text.slice(pos)));
    if (alt) delimiter = alt;
  }
  return {
    ok: true,
    record: { version, vendor, product, productVersion, eventId, delimiter, attributes: parseAttributes(text, pos, delimiter) },
  };
}

/** `key=value` pairs separated by `delimiter`; `\<delimiter>`, `\=` and `\\` are escapes. */
function parseAttributes(text: string, start: number, delimiter: string): Record<string, string> {
  const out: Record<string, string> = {};
  const body = text.slice(start);
  if (body.trim() === '') return out;
  // (Not `parts.push(...split)`: spreading a split of 100k+ fields overflowed the stack.)
  let parts: string[];
  if (!body.includes('\\')) {
    parts = body.split(delimiter);
  } else {
    parts = [];
    let cur = '';
    for (let i = 0; i < body.length; i++) {
      const c = body[i] as string;
      if (c === '\\' && i + 1 < body.length) {
        const n = body[i + 1] as string;
        if (n === delimiter || n === '\\') {
          cur += n;
          i++;
          continue;
        }
        if (n === '=') {
          cur += '\u0000'; // an escaped `=` never splits key from value; restored below
          i++;
          continue;
        }
      }
      if (c === delimiter) {
        parts.push(cur);
        cur = '';
        continue;
      }
      cur += c;
    }
    parts.push(cur);
  }
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    if (key === '' || key.includes('\u0000')) continue;
    const value = part.slice(eq + 1);
    setOwn(out, key, value.includes('\u0000') ? value.split('\u0000').join('=') : value);
  }
  return out;
}
