/**
 * Line feeds: plain lists of one value a line (abuse.ch, Spamhaus DROP: `#` and `;` comments)
 * and CSV with the value in one column (abuse.ch URLhaus/ThreatFox CSVs: quoted fields, `#`
 * comment lines). The type is the feed's when configured, otherwise guessed per value.
 */
import { VigilError } from '../../core/errors/index.js';
import type { Indicator, IndicatorType, ParsedFeed, Skipped } from '../model.js';
import { guessType, normalizeIndicator } from '../normalize.js';

export interface LineOptions {
  /** Every value is of this type; unset: guessed per value. */
  readonly indicatorType?: IndicatorType;
}

function indicatorOf(raw: string, options: LineOptions): Indicator | string {
  const type = options.indicatorType ?? guessType(raw);
  if (!type) return `'${raw}' is not an IP, network, domain, URL, hash or email`;
  const value = normalizeIndicator(type, raw);
  return value === undefined ? `'${raw}' is not a valid ${type}` : { type, value };
}

export function parsePlain(text: string, options: LineOptions = {}): ParsedFeed {
  const indicators: Indicator[] = [];
  const skipped: Skipped[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const raw = line.replace(/(^|\s)[#;].*$/, '').trim();
    if (raw === '') return;
    const got = indicatorOf(raw, options);
    if (typeof got === 'string') skipped.push({ reason: `line ${i + 1}: ${got}` });
    else indicators.push(got);
  });
  return { indicators, skipped };
}

/** RFC 4180 fields of one line (quoted fields, doubled quotes). */
export function csvFields(line: string, delimiter = ','): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let v = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            v += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += line[i++];
      }
      out.push(v);
      const next = line.indexOf(delimiter, i);
      if (next < 0) return out;
      i = next + delimiter.length;
    } else {
      const next = line.indexOf(delimiter, i);
      out.push((next < 0 ? line.slice(i) : line.slice(i, next)).trim());
      if (next < 0) return out;
      i = next + delimiter.length;
    }
  }
}

export interface CsvOptions extends LineOptions {
  /** The column holding the value: a 0-based index, or a header name (the first line that is not a comment). */
  readonly column: number | string;
  readonly delimiter?: string;
}

export function parseCsv(text: string, options: CsvOptions): ParsedFeed {
  const indicators: Indicator[] = [];
  const skipped: Skipped[] = [];
  let column = typeof options.column === 'number' ? options.column : -1;
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const fields = csvFields(line, options.delimiter);
    if (column < 0) {
      column = fields.indexOf(options.column as string);
      if (column < 0) {
        throw new VigilError('INTEL_FEED_INVALID', `no column '${String(options.column)}' in the CSV header`, {
          location: { line: i + 1 },
        });
      }
      return;
    }
    const raw = fields[column];
    if (raw === undefined || raw === '') {
      skipped.push({ reason: `line ${i + 1}: no value in column ${column}` });
      return;
    }
    const got = indicatorOf(raw, options);
    if (typeof got === 'string') skipped.push({ reason: `line ${i + 1}: ${got}` });
    else indicators.push(got);
  });
  return { indicators, skipped };
}
