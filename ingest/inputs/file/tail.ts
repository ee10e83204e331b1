import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A file being read, identified by device and inode so that a rename (rotation) is noticed. */
export interface Tracked {
  path: string;
  dev: number;
  ino: number;
  fd: FileHandle;
  /** Next byte to read. */
  readPos: number;
  /** Bytes of an unfinished line, and the file offset where it starts. */
  pending: Buffer;
  pendingStart: number;
  /** Inside an over-long line: bytes are skipped up to the next LF. */
  discarding: boolean;
  /** Offset after the last line handed out: what the checkpoint may record. */
  committed: number;
}

/** A complete line (LF-terminated, CR stripped) or an over-long one cut short. */
export interface RawLine {
  raw: Buffer;
  start: number;
  end: number;
  tooLong?: number;
}

const CHUNK = 256 * 1024;

export async function openTracked(path: string, offset: number): Promise<Tracked> {
  const fd = await open(path, 'r');
  const st = await fd.stat();
  const start = offset <= st.size ? offset : 0;
  return {
    path,
    dev: st.dev,
    ino: st.ino,
    fd,
    readPos: start,
    pending: Buffer.alloc(0),
    pendingStart: start,
    discarding: false,
    committed: start,
  };
}

/**
 * Reads what the file gained since the last call, up to `maxBytes`, and returns its complete
 * lines. `final` (end of a read-once file, or of a rotated-away file) also returns a last line
 * without LF. Lines longer than `maxLineBytes` come back as `tooLong` with their first bytes.
 */
export async function readLines(
  t: Tracked,
  maxLineBytes: number,
  maxBytes: number,
  final: boolean,
): Promise<{ lines: RawLine[]; eof: boolean }> {
  const lines: RawLine[] = [];
  let read = 0;
  let eof = false;
  const buf = Buffer.allocUnsafe(CHUNK);
  while (read < maxBytes) {
    const { bytesRead } = await t.fd.read(buf, 0, CHUNK, t.readPos);
    if (bytesRead === 0) {
      eof = true;
      break;
    }
    read += bytesRead;
    const chunk = buf.subarray(0, bytesRead);
    let from = 0;
    for (;;) {
      const lf = chunk.indexOf(0x0a, from);
      if (lf < 0) break;
      const end = t.readPos + lf + 1;
      if (t.discarding) {
        t.discarding = false;
      } else {
        const raw = t.pending.length > 0 ? Buffer.concat([t.pending, chunk.subarray(from, lf)]) : Buffer.from(chunk.subarray(from, lf));
        const body = raw.length > 0 && raw[raw.length - 1] === 0x0d ? raw.subarray(0, raw.length - 1) : raw;
        if (body.length > maxLineBytes) lines.push({ raw: body.subarray(0, 1024), start: t.pendingStart, end, tooLong: body.length });
        else lines.push({ raw: body, start: t.pendingStart, end });
      }
      t.pending = Buffer.alloc(0);
      t.pendingStart = end;
      from = lf + 1;
    }
    if (from < chunk.length && !t.discarding) {
      t.pending = Buffer.concat([t.pending, chunk.subarray(from)]);
      if (t.pending.length > maxLineBytes) {
        lines.push({ raw: t.pending.subarray(0, 1024), start: t.pendingStart, end: t.readPos + bytesRead, tooLong: t.pending.length });
        t.pending = Buffer.alloc(0);
        t.discarding = true;
      }
    }
    t.readPos += bytesRead;
    if (t.discarding) t.pendingStart = t.readPos;
  }
  if (final && eof && t.pending.length > 0) {
    lines.push({ raw: t.pending, start: t.pendingStart, end: t.readPos });
    t.pending = Buffer.alloc(0);
    t.pendingStart = t.readPos;
  }
  return { lines, eof };
}

/** The file's first line (without its line end), or undefined when none ends within `maxBytes`. */
export async function firstLine(t: Tracked, maxBytes: number): Promise<string | undefined> {
  const buf = Buffer.allocUnsafe(Math.min(maxBytes, 64 * 1024));
  const { bytesRead } = await t.fd.read(buf, 0, buf.length, 0);
  const lf = buf.subarray(0, bytesRead).indexOf(0x0a);
  return lf < 0 ? undefined : buf.subarray(0, lf).toString('utf8').replace(/\r$/, '');
}

/** The files a configured path stands for: itself, or the regular files of a directory (not recursive). */
export async function expandPath(path: string): Promise<string[]> {
  let st;
  try {
    st = await stat(path);
  } catch {
    return [];
  }
  if (st.isFile()) return [path];
  if (!st.isDirectory()) return [];
  const entries = await readdir(path, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(path, e.name))
    .sort();
}

/** A file in `path`'s directory with this device and inode: where `path` was rotated to. */
export async function findByInode(path: string, dev: number, ino: number): Promise<string | undefined> {
  const dir = dirname(path);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return undefined;
  }
  for (const name of names) {
    if (name === basename(path)) continue;
    try {
      const st = await stat(join(dir, name));
      if (st.dev === dev && st.ino === ino) return join(dir, name);
    } catch {
      // vanished meanwhile
    }
  }
  return undefined;
}
