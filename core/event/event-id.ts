import { hash } from 'node:crypto';

/**
 * A deterministic id from the parts that make a record unique (input id, peer, raw bytes, …).
 * The same record received twice (a sender's retransmission, a replay) gets the same id, so
 * downstream writes keyed by it are idempotent. 120 bits of SHA-256 over the parts, each
 * followed by a NUL byte, base64url: 20 characters.
 */
export function deterministicId(...parts: Array<string | Buffer>): string {
  // One buffer and a one-shot digest (a Hash object with an update per part costs twice as
  // much); the buffer is reused, and short strings (input ids, peers) are encoded once.
  let size = 0;
  for (const p of parts) size += (typeof p === 'string' ? p.length * 3 : p.length) + 1;
  if (size > scratch.length) scratch = Buffer.allocUnsafe(Math.max(size, scratch.length * 2));
  const buf = scratch;
  let at = 0;
  for (const p of parts) {
    if (typeof p !== 'string') {
      buf.set(p, at); // TypedArray#set: a plain copy, without Buffer#copy's argument handling
      at += p.length;
    } else if (p.length > MAX_CACHED_CHARS) at += buf.write(p, at);
    else {
      const bytes = utf8Of(p);
      buf.set(bytes, at);
      at += bytes.length;
    }
    buf[at++] = 0;
  }
  return hash('sha256', buf.subarray(0, at), 'base64url').slice(0, 20);
}

let scratch = Buffer.allocUnsafe(4096);

const MAX_CACHED_CHARS = 128;
const encoded = new Map<string, Buffer>();

function utf8Of(s: string): Buffer {
  let b = encoded.get(s);
  if (b === undefined) {
    b = Buffer.from(s, 'utf8');
    if (encoded.size >= 1024) encoded.clear();
    encoded.set(s, b);
  }
  return b;
}
