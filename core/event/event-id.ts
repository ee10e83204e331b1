import { createHash } from 'node:crypto';

/**
 * A deterministic id from the parts that make a record unique (input id, peer, raw bytes, …).
 * The same record received twice (a sender's retransmission, a replay) gets the same id, so
 * downstream writes keyed by it are idempotent. 120 bits of SHA-256, base64url: 20 characters.
 */
export function deterministicId(...parts: Array<string | Buffer>): string {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(p);
    h.update('\u0000');
  }
  return h.digest('base64url').slice(0, 20);
}
