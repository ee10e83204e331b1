/**
 * STIX 2.1 indicators (OASIS STIX 2.1 §4.7) with patterns that are equality comparisons on one
 * observable value, alone or ORed: `[ipv4-addr:value = '203.0.113.9']`,
 * `[domain-name:value = 'a.example' OR url:value = 'http://b.example/x']`,
 * `[file:hashes.'SHA-256' = '…'] OR [email-addr:value = '…']`. Any other pattern (AND,
 * FOLLOWEDBY, MATCHES, other objects) cannot be a set lookup: it is skipped with its id.
 */
import { VigilError } from '../../core/errors/index.js';
import type { Indicator, IndicatorType, ParsedFeed, Skipped } from '../model.js';
import { normalizeIndicator } from '../normalize.js';
import { isObject, parseFeedJson } from './json.js';

const HASHES: Readonly<Record<string, IndicatorType>> = { MD5: 'md5', SHA1: 'sha1', SHA256: 'sha256' };

function typeOfPath(object: string, path: string): IndicatorType | undefined {
  switch (`${object}:${path}`) {
    case 'ipv4-addr:value':
    case 'ipv6-addr:value':
      return 'ip';
    case 'domain-name:value':
      return 'domain';
    case 'url:value':
      return 'url';
    case 'email-addr:value':
      return 'email';
  }
  const hash = object === 'file' ? /^hashes\.'?([A-Za-z0-9-]+)'?$/.exec(path)?.[1] : undefined;
  return hash === undefined ? undefined : HASHES[hash.toUpperCase().replace(/-/g, '')];
}

const COMPARISON =
  /^\s*(\[\s*)?([a-z0-9-]+):((?:[A-Za-z0-9_-]+|'[^']*')(?:\.(?:[A-Za-z0-9_-]+|'[^']*'))*)\s*=\s*'((?:[^'\\]|\\.)*)'\s*(\]\s*)?/;

/** The (type, value) pairs of a pattern of ORed equality comparisons, or the reason it is not one. */
export function parseStixPattern(pattern: string): { values: Array<{ type: IndicatorType; value: string }> } | { reason: string } {
  const values: Array<{ type: IndicatorType; value: string }> = [];
  let rest = pattern;
  let open = 0;
  for (;;) {
    const m = COMPARISON.exec(rest);
    if (!m) return { reason: `unsupported pattern (only '=' comparisons joined by OR): ${pattern}` };
    if (m[1]) open++;
    if (m[5]) open--;
    const object = m[2] as string;
    const path = m[3] as string;
    let type = typeOfPath(object, path);
    const raw = (m[4] as string).replace(/\\(.)/g, '$1');
    if (type === 'ip' && raw.includes('/')) type = 'cidr';
    if (!type) return { reason: `unsupported object path '${object}:${path}' in pattern ${pattern}` };
    const value = normalizeIndicator(type, raw);
    if (value === undefined) return { reason: `'${raw}' is not a valid ${type} in pattern ${pattern}` };
    values.push({ type, value });
    rest = rest.slice(m[0].length);
    if (rest.trim() === '') break;
    const or = /^\s*(\]\s*)*OR\s+/.exec(rest);
    if (!or) return { reason: `unsupported pattern (only '=' comparisons joined by OR): ${pattern}` };
    open -= (or[0].match(/\]/g) ?? []).length;
    rest = rest.slice(or[0].length);
  }
  if (open !== 0) return { reason: `unbalanced brackets in pattern ${pattern}` };
  return { values };
}

export interface StixOptions {
  /** Indicators whose `valid_until` is before this (epoch ms) are skipped as expired. Default: now. */
  readonly now?: number;
}

/** The indicators of STIX objects (a bundle's `objects`, or a TAXII envelope's). */
export function stixIndicators(objects: readonly unknown[], options: StixOptions = {}): ParsedFeed {
  const now = options.now ?? Date.now();
  const indicators: Indicator[] = [];
  const skipped: Skipped[] = [];
  for (const o of objects) {
    if (!isObject(o) || o.type !== 'indicator') continue;
    const id = typeof o.id === 'string' ? o.id : undefined;
    const skip = (reason: string) => skipped.push(id === undefined ? { reason } : { id, reason });
    if (o.revoked === true) {
      skip('revoked');
      continue;
    }
    if (o.pattern_type !== undefined && o.pattern_type !== 'stix') {
      skip(`pattern_type '${String(o.pattern_type)}' is not 'stix'`);
      continue;
    }
    if (typeof o.pattern !== 'string') {
      skip('no pattern');
      continue;
    }
    let validUntil: number | undefined;
    if (o.valid_until !== undefined) {
      validUntil = typeof o.valid_until === 'string' ? Date.parse(o.valid_until) : NaN;
      if (Number.isNaN(validUntil)) {
        skip(`valid_until '${String(o.valid_until)}' is not a timestamp`);
        continue;
      }
      if (validUntil <= now) {
        skip(`expired (valid_until ${String(o.valid_until)})`);
        continue;
      }
    }
    const parsed = parseStixPattern(o.pattern);
    if ('reason' in parsed) {
      skip(parsed.reason);
      continue;
    }
    const description = typeof o.name === 'string' ? o.name : typeof o.description === 'string' ? o.description : undefined;
    for (const v of parsed.values) {
      indicators.push({
        ...v,
        ...(id !== undefined && { id }),
        ...(validUntil !== undefined && { validUntil }),
        ...(description !== undefined && { description }),
      });
    }
  }
  return { indicators, skipped };
}

/** A STIX 2.1 bundle (`{"type": "bundle", "objects": […]}`) as text. */
export function parseStixBundle(text: string, feed: string, options: StixOptions = {}): ParsedFeed {
  const doc = parseFeedJson(text, feed);
  const objects = isObject(doc) && Array.isArray(doc.objects) ? doc.objects : Array.isArray(doc) ? doc : undefined;
  if (!objects) {
    throw new VigilError('INTEL_FEED_INVALID', `feed '${feed}' is not a STIX bundle: no 'objects' array`, { location: { file: feed } });
  }
  return stixIndicators(objects, options);
}
