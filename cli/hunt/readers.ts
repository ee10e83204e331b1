/**
 * The records of a file `vigil hunt` reads, streamed: memory holds one record at a time, not the
 * file. Gzip files (by their magic bytes, whatever the name) are decompressed on the way.
 *
 * A file that starts with `{`, `[` or evtx_dump's `Record 1` line is read as JSON values one after another: JSON
 * lines, one pretty-printed document or several in a row (evtx_dump's default output, with its
 * `Record N` lines between them), or an array of objects, however large; `{Records: […]}`
 * (CloudTrail) gives its records. A Windows `.evtx` file (by its `ElfFile` signature) is read
 * chunk by chunk (ingest/parsers/evtx/). Anything else is read as text lines (syslog, CEF, LEEF).
 *
 * Records come in batches, one per chunk read (`readHuntBatches`): a hunt over millions of
 * records pays for one step of the asynchronous chain per megabyte, not per record.
 */
import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { isEvtx } from '../../ingest/parsers/evtx/index.js';
import { evtxHuntRecords } from './evtx-records.js';

export type HuntRecord =
  /** A JSON object and the line it starts on. */
  | { kind: 'event'; event: Record<string, unknown>; line: number }
  /** A line of a text file. */
  | { kind: 'line'; text: string; line: number }
  /** Something that is not a record, where it is and why. */
  | { kind: 'bad'; line: number; reason: string };

export interface ReadOptions {
  /** Called with the number of bytes read from the file (compressed bytes for a gzip file). */
  onBytes?: (n: number) => void;
  /** A JSON value longer than this is skipped and reported. Default 64 MiB. */
  maxRecordChars?: number;
  /**
   * Bytes read from the file at a time, and so the size of a batch of records. Default 64 KiB:
   * a batch of JSON lines is held until it is matched, and larger ones outlive the young
   * generation (peak RSS of a 100k-event hunt 300 MB at 64 KiB, 470 MB at 1 MiB).
   */
  chunkBytes?: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The first `n` bytes of the file (fewer if it is shorter). */
function firstBytes(file: string, n: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    return buf.subarray(0, readSync(fd, buf, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

function isGzip(file: string): boolean {
  const h = firstBytes(file, 2);
  return h.length === 2 && h[0] === 0x1f && h[1] === 0x8b;
}

/** The decoded text of a file, in chunks. */
async function* textChunks(file: string, options: ReadOptions): AsyncGenerator<string> {
  const raw = createReadStream(file, { highWaterMark: options.chunkBytes ?? 64 << 10 });
  if (options.onBytes) raw.on('data', (b) => options.onBytes?.((b as Buffer).length));
  const source = isGzip(file) ? raw.pipe(createGunzip()) : raw;
  raw.on('error', (err) => source.destroy(err));
  const decoder = new StringDecoder('utf8');
  for await (const chunk of source) {
    const text = decoder.write(chunk as Buffer);
    if (text !== '') yield text;
  }
  const rest = decoder.end();
  if (rest !== '') yield rest;
}

/** Every record of the file, in order. Throws only when the file cannot be read at all. */
export async function* readHuntFile(file: string, options: ReadOptions = {}): AsyncGenerator<HuntRecord> {
  for await (const batch of readHuntBatches(file, options)) yield* batch;
}

/** Every record of the file, in order, in batches (none empty). Throws only when the file cannot be read at all. */
export async function* readHuntBatches(file: string, options: ReadOptions = {}): AsyncGenerator<HuntRecord[]> {
  if (isEvtx(firstBytes(file, 8))) {
    for await (const r of evtxHuntRecords(file, options)) yield [r];
    return;
  }
  const chunks = textChunks(file, options);
  let first = await chunks.next();
  while (!first.done && first.value.trim() === '') first = await chunks.next();
  if (first.done) return;
  // Enough of the start to see a `Record N` line whole, even if the chunks are small.
  let start = first.value;
  const rest: string[] = [];
  while (start.trimStart().length < 32) {
    const next = await chunks.next();
    if (next.done) break;
    rest.push(next.value);
    start += next.value;
  }
  const head = start.trimStart();
  async function* all(): AsyncGenerator<string> {
    yield first.value as string;
    yield* rest;
    yield* chunks;
  }
  if (head.startsWith('{') || head.startsWith('[') || /^Record \d+\s*\n/.test(head))
    yield* jsonValues(all(), options.maxRecordChars ?? 64 << 20);
  else yield* textLines(all());
}

async function* textLines(chunks: AsyncIterable<string>): AsyncGenerator<HuntRecord[]> {
  let carry = '';
  let line = 0;
  for await (const chunk of chunks) {
    const text = carry + chunk;
    const batch: HuntRecord[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      line++;
      batch.push({ kind: 'line', text: text.slice(start, nl).replace(/\r$/, ''), line });
      start = nl + 1;
    }
    carry = text.slice(start);
    if (batch.length > 0) yield batch;
  }
  if (carry !== '') yield [{ kind: 'line', text: carry.replace(/\r$/, ''), line: line + 1 }];
}

const OPEN_OBJ = 0x7b; // {
const CLOSE_OBJ = 0x7d; // }
const OPEN_ARR = 0x5b; // [
const CLOSE_ARR = 0x5d; // ]
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NL = 0x0a;
const COMMA = 0x2c;
const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
/** evtx_dump writes `Record <n>` before each pretty-printed record. */
const EVTX_DUMP_HEADER = /^Record \d+\s*$/;

/**
 * JSON values one after another, scanned bracket by bracket (strings skipped with indexOf): a
 * value is parsed once its closing bracket arrives. Text between values that is not JSON is
 * reported line by line. A line that is one whole JSON object (JSON lines) is parsed as it is,
 * without the scan: the scan would end that value at the line's last bracket all the same.
 */
async function* jsonValues(chunks: AsyncIterable<string>, maxChars: number): AsyncGenerator<HuntRecord[]> {
  let line = 1;
  let depth = 0;
  let inString = false;
  /** Inside a top-level array: its elements are the records. */
  let inArray = false;
  let parts: string[] = [];
  let size = 0;
  let tooLarge = false;
  let valueLine = 0;
  /** Text at depth 0 that is not a value, up to the end of its line. */
  let junk: string | undefined;
  let junkLine = 0;

  /** The records of one value's text, onto `out`. */
  const finish = (text: string, out: HuntRecord[]): void => {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (err) {
      out.push({ kind: 'bad', line: valueLine, reason: `not JSON: ${(err as Error).message}` });
      return;
    }
    if (!isObject(v)) out.push({ kind: 'bad', line: valueLine, reason: 'not a JSON object' });
    else records(v, out);
  };
  const records = (v: Record<string, unknown>, out: HuntRecord[]): void => {
    const list = !inArray && Array.isArray(v.Records) ? v.Records : !inArray && Array.isArray(v.records) ? v.records : undefined;
    if (!list) out.push({ kind: 'event', event: v, line: valueLine });
    else for (const event of list) if (isObject(event)) out.push({ kind: 'event', event, line: valueLine });
  };
  /**
   * The object that is the whole line starting at `i` (up to spaces), when it is one; parsed
   * here and the index after it returned, else -1 (the scan reads the line).
   */
  const wholeLine = (chunk: string, i: number, out: HuntRecord[]): number => {
    const nl = chunk.indexOf('\n', i);
    if (nl === -1) return -1;
    let end = nl;
    while (end > i && isSpace(chunk.charCodeAt(end - 1))) end--;
    if (chunk.charCodeAt(end - 1) !== CLOSE_OBJ || end - i > maxChars) return -1;
    let v: unknown;
    try {
      v = JSON.parse(chunk.slice(i, end));
    } catch {
      return -1;
    }
    valueLine = line;
    records(v as Record<string, unknown>, out);
    return end;
  };
  const endJunk = (): HuntRecord[] => {
    const text = (junk ?? '').trim();
    junk = undefined;
    if (text === '' || EVTX_DUMP_HEADER.test(text)) return [];
    return [{ kind: 'bad', line: junkLine, reason: `not JSON: ${text.length > 60 ? `${text.slice(0, 60)}…` : text}` }];
  };

  for await (const chunk of chunks) {
    const batch: HuntRecord[] = [];
    let i = 0;
    let from = 0; // where the current value's text in this chunk starts
    const n = chunk.length;
    const keep = (end: number): void => {
      if (tooLarge) return;
      size += end - from;
      if (size > maxChars) {
        tooLarge = true;
        parts = [];
      } else parts.push(chunk.slice(from, end));
    };
    while (i < n) {
      if (inString) {
        // Jump to the next quote that no odd run of backslashes escapes; count newlines skipped.
        let q = chunk.indexOf('"', i);
        while (q !== -1) {
          let b = 0;
          while (q - 1 - b >= 0 && chunk.charCodeAt(q - 1 - b) === BACKSLASH) b++;
          // A run of backslashes at the chunk's start goes on at the end of the text kept before it.
          if (q - b === 0) b += trailingBackslashes(parts);
          if (b % 2 === 0) break;
          q = chunk.indexOf('"', q + 1);
        }
        if (q === -1) {
          i = n;
          break;
        }
        inString = false;
        i = q + 1;
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (depth === 0) {
        if (junk !== undefined) {
          const nl = chunk.indexOf('\n', i);
          const end = nl === -1 ? n : nl;
          if (junk.length < 200) junk += chunk.slice(i, Math.min(end, i + 200));
          if (nl === -1) {
            i = n;
            break;
          }
          batch.push(...endJunk());
          line++;
          i = nl + 1;
          continue;
        }
        if (c === NL) {
          line++;
          i++;
          continue;
        }
        if (isSpace(c) || (inArray && c === COMMA)) {
          i++;
          continue;
        }
        if (c === OPEN_ARR && !inArray) {
          inArray = true;
          i++;
          continue;
        }
        if (c === CLOSE_ARR && inArray) {
          inArray = false;
          i++;
          continue;
        }
        if (c === OPEN_OBJ && !inArray) {
          const after = wholeLine(chunk, i, batch);
          if (after !== -1) {
            i = after;
            continue;
          }
        }
        if (c === OPEN_OBJ || c === OPEN_ARR) {
          depth = 1;
          from = i;
          parts = [];
          size = 0;
          tooLarge = false;
          valueLine = line;
          i++;
          continue;
        }
        junk = '';
        junkLine = line;
        continue;
      }
      // inside a value
      if (c === QUOTE) inString = true;
      else if (c === OPEN_OBJ || c === OPEN_ARR) depth++;
      else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
        depth--;
        if (depth === 0) {
          keep(i + 1);
          const text = parts.length === 1 ? (parts[0] as string) : parts.join('');
          parts = [];
          if (tooLarge) batch.push({ kind: 'bad', line: valueLine, reason: `a record longer than ${maxChars} characters` });
          else finish(text, batch);
        }
      } else if (c === NL) {
        line++;
        // A JSON line cut short, and the next begins: report it and read on from there
        // (pretty-printed JSON never starts a nested value at column 0).
        if (chunk.charCodeAt(i + 1) === OPEN_OBJ) {
          batch.push({ kind: 'bad', line: valueLine, reason: 'not JSON: the record ends before its closing bracket' });
          depth = 0;
          parts = [];
        }
      }
      i++;
    }
    if (depth > 0) keep(n);
    if (batch.length > 0) yield batch;
  }
  if (depth > 0) yield [{ kind: 'bad', line: valueLine, reason: 'not JSON: the file ends inside a value' }];
  else if (junk !== undefined) {
    const last = endJunk();
    if (last.length > 0) yield last;
  }
}

/** How many backslashes end the text kept so far. */
function trailingBackslashes(parts: readonly string[]): number {
  let run = 0;
  for (let p = parts.length - 1; p >= 0; p--) {
    const s = parts[p] as string;
    let k = s.length - 1;
    while (k >= 0 && s.charCodeAt(k) === BACKSLASH) {
      run++;
      k--;
    }
    if (k >= 0) break;
  }
  return run;
}
