/**
 * A Windows `.evtx` file read chunk by chunk (MS-EVEN6 §2.2): a 4 KiB file header, then 64 KiB
 * chunks, each with its own string and template tables, holding records. One chunk buffer is
 * reused, so memory does not grow with the file. A chunk whose header or record data fails its
 * CRC32, or whose records cannot be read, is reported with its file offset and the rest of the
 * file is read on.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { BinXmlReader, type RecordContent } from './binxml.js';
import { EvtxFormatError } from './errors.js';
import { RecordJson } from './record-json.js';
import { fileTime, type JsonValue } from './values.js';

export const EVTX_FILE_MAGIC = Buffer.from('ElfFile\0', 'latin1');
const CHUNK_MAGIC = Buffer.from('ElfChnk\0', 'latin1');
const FILE_HEADER_BYTES = 4096;
export const CHUNK_BYTES = 65536;
/** Records start after the chunk header (128 bytes) and its string (64) and template (32) offset tables. */
const RECORDS_START = 512;
const RECORD_MAGIC = 0x00002a2a;

/**
 * A record: its id, the time it was written (record header) and its document as evtx_dump's JSON,
 * as text (`json`, the line `evtx_dump -o jsonl` prints) and as an object (`event`, what
 * `JSON.parse(json)` gives). The one the reader was asked for (`EvtxReadOptions.build`) is made
 * while the chunk is read; the other when first asked for, from the same template and values.
 */
export class EvtxRecord {
  readonly kind = 'record' as const;
  private text: string | undefined;
  private object: Record<string, JsonValue> | undefined;
  constructor(
    readonly recordId: number,
    readonly written: string,
    readonly offset: number,
    private readonly content: RecordContent,
    private readonly render: RecordJson,
    build: EvtxBuild,
  ) {
    // Made now, so that a record that cannot be converted is reported where it is read.
    if (build === 'event') this.object = render.event(content);
    else this.text = render.text(content);
  }
  get json(): string {
    return (this.text ??= this.render.text(this.content));
  }
  get event(): Record<string, JsonValue> {
    return (this.object ??= this.render.event(this.content));
  }
}

/** What each record is made as while the file is read: its JSON text or its object. */
export type EvtxBuild = 'json' | 'event';

export type EvtxItem =
  | EvtxRecord
  /** What could not be read, where (file offset), and why. */
  | { kind: 'bad'; offset: number; reason: string; chunk?: number };

export interface EvtxReadOptions {
  /** Called with the number of bytes read from the file. */
  onBytes?: (n: number) => void;
  /** Default `json`; `event` when the objects are wanted (the text is then made only when asked for). */
  build?: EvtxBuild;
}

/** True when `head` starts with the `.evtx` file signature. */
export const isEvtx = (head: Buffer): boolean => head.length >= 8 && head.subarray(0, 8).equals(EVTX_FILE_MAGIC);

const hex = (n: number): string => `0x${n.toString(16)}`;

/** Why the file header is wrong, or undefined when it is right. */
export function checkFileHeader(h: Buffer): string | undefined {
  if (!isEvtx(h)) return 'not an .evtx file (no ElfFile signature)';
  const want = h.readUInt32LE(124);
  const got = crc32(h.subarray(0, 120));
  return want === got ? undefined : `file header CRC32 ${hex(got)} is not the stored ${hex(want)}`;
}

/** Why the chunk header or its record data is wrong, or undefined when both check out. */
export function checkChunk(c: Buffer): string | undefined {
  if (!c.subarray(0, 8).equals(CHUNK_MAGIC)) return 'no ElfChnk signature';
  const headerCrc = crc32(c.subarray(128, RECORDS_START), crc32(c.subarray(0, 120)));
  if (headerCrc !== c.readUInt32LE(124)) return `chunk header CRC32 ${hex(headerCrc)} is not the stored ${hex(c.readUInt32LE(124))}`;
  const free = c.readUInt32LE(48);
  if (free < RECORDS_START || free > CHUNK_BYTES) return `free space offset ${hex(free)} outside the chunk`;
  const dataCrc = crc32(c.subarray(RECORDS_START, free));
  if (dataCrc !== c.readUInt32LE(52)) return `record data CRC32 ${hex(dataCrc)} is not the stored ${hex(c.readUInt32LE(52))}`;
  return undefined;
}

/**
 * The records of one checked chunk. `base` is the chunk's file offset, for reports. A record that
 * cannot be read is reported and skipped by its size; a broken size ends the chunk.
 */
export function* chunkRecords(
  c: Buffer,
  base: number,
  chunkIndex: number,
  render = new RecordJson(),
  build: EvtxBuild = 'json',
): Generator<EvtxItem> {
  const reader = new BinXmlReader(c);
  const end = c.readUInt32LE(48);
  let p = RECORDS_START;
  while (p + 28 <= end) {
    if (c.readUInt32LE(p) !== RECORD_MAGIC) {
      yield { kind: 'bad', offset: base + p, chunk: chunkIndex, reason: 'no record signature (0x2a2a) where a record should start' };
      return;
    }
    const size = c.readUInt32LE(p + 4);
    if (size < 28 || p + size > end || c.readUInt32LE(p + size - 4) !== size) {
      yield { kind: 'bad', offset: base + p, chunk: chunkIndex, reason: `record size ${size} does not fit the chunk or its trailing copy` };
      return;
    }
    const recordId = Number(c.readBigUInt64LE(p + 8));
    try {
      const written = fileTime(c, p + 16);
      yield new EvtxRecord(recordId, written, base + p, reader.readRecord(p + 24, p + size - 4), render, build);
    } catch (err) {
      // A Buffer read out of range is bad input too, whatever check missed it.
      if (!(err instanceof EvtxFormatError) && !(err instanceof RangeError)) throw err;
      yield { kind: 'bad', offset: base + p, chunk: chunkIndex, reason: `record ${recordId}: ${err.message}` };
    }
    p += size;
  }
}

const isZero = (b: Buffer): boolean => {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
};

/** Every record of the file in order, and what could not be read. Throws only when the file cannot be opened or read. */
export async function* readEvtxFile(file: string, options: EvtxReadOptions = {}): AsyncGenerator<EvtxItem> {
  const fd = openSync(file, 'r');
  try {
    const header = Buffer.alloc(FILE_HEADER_BYTES);
    const bytesRead = readSync(fd, header, 0, FILE_HEADER_BYTES, 0);
    options.onBytes?.(bytesRead);
    if (bytesRead < 128 || !isEvtx(header)) {
      yield { kind: 'bad', offset: 0, reason: 'not an .evtx file (no ElfFile signature)' };
      return;
    }
    const headerProblem = checkFileHeader(header);
    // The chunks carry their own checks; a bad file header only loses the chunk count, which is not needed.
    if (headerProblem) yield { kind: 'bad', offset: 0, reason: headerProblem };
    const blockSize = header.readUInt16LE(40);
    let offset = blockSize >= 128 && blockSize <= FILE_HEADER_BYTES ? blockSize : FILE_HEADER_BYTES;
    const chunk = Buffer.alloc(CHUNK_BYTES);
    const render = new RecordJson();
    for (let index = 0; ; index++, offset += CHUNK_BYTES) {
      // 64 KiB from the page cache: a synchronous read costs less than a trip through the thread pool.
      const bytesRead = readSync(fd, chunk, 0, CHUNK_BYTES, offset);
      options.onBytes?.(bytesRead);
      if (bytesRead === 0) return;
      if (bytesRead < CHUNK_BYTES) {
        if (!isZero(chunk.subarray(0, bytesRead)))
          yield { kind: 'bad', offset, chunk: index, reason: `the file ends inside a chunk (${bytesRead} of ${CHUNK_BYTES} bytes)` };
        return;
      }
      // Windows preallocates chunks: an all-zero one is unused, not broken.
      if (isZero(chunk.subarray(0, 8))) continue;
      const problem = checkChunk(chunk);
      if (problem) {
        yield { kind: 'bad', offset, chunk: index, reason: `chunk ${index} skipped: ${problem}` };
        continue;
      }
      yield* chunkRecords(chunk, offset, index, render, options.build);
    }
  } finally {
    closeSync(fd);
  }
}
