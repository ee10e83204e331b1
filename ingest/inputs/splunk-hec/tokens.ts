import { createHash, timingSafeEqual } from 'node:crypto';
import type { SplunkHecInputConfig } from './config.js';
import { VigilError } from '../../../core/errors/index.js';
import type { ResolvedToken } from './config.js';

const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * The configured HEC tokens, looked up in constant time: a presented value is hashed and its
 * digest compared with every token's digest by `timingSafeEqual`, without stopping at a match,
 * so response time says nothing about how much of a token, or which one, was guessed right.
 * Digests have one length whatever the token's, so the length does not leak either.
 */
export class TokenTable {
  private readonly entries: Array<{ digest: Buffer; token: ResolvedToken }> = [];

  /** Throws a located CONFIG_DUPLICATE_ID when two entries share a value. */
  constructor(cfg: SplunkHecInputConfig) {
    const seen = new Set<string>();
    cfg.tokens.forEach((t, i) => {
      if (seen.has(t.token)) {
        throw new VigilError('CONFIG_DUPLICATE_ID', 'two tokens have the same value', {
          location: { path: `inputs.${cfg.id}.tokens[${i}].token` },
        });
      }
      seen.add(t.token);
      this.entries.push({ digest: sha256(t.token), token: { ...t, label: t.name ?? `tokens[${i}]` } });
    });
  }

  /** The token whose value is `value`, or undefined. */
  find(value: string): ResolvedToken | undefined {
    const digest = sha256(value);
    let found: ResolvedToken | undefined;
    for (const e of this.entries) {
      if (timingSafeEqual(e.digest, digest)) found = e.token;
    }
    return found;
  }
}

/** The token table of one HEC input. */
export function tokenTable(cfg: SplunkHecInputConfig): TokenTable {
  return new TokenTable(cfg);
}
