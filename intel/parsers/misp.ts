/**
 * MISP JSON exports: an event (`{"Event": {…}}`), a list of them (`{"response": [{"Event": …}]}`,
 * or a bare array) or an attribute search (`{"response": {"Attribute": […]}}`). Attributes of the
 * event and of its objects count; composite types (`ip-dst|port`, `domain|ip`, `filename|sha256`)
 * give the parts that are indicators.
 */
import { VigilError } from '../../core/errors/index.js';
import type { Indicator, IndicatorType, ParsedFeed, Skipped } from '../model.js';
import { normalizeIndicator } from '../normalize.js';
import { isObject, parseFeedJson } from './json.js';

/** MISP attribute type (or one part of a composite type) → indicator type. */
const TYPES: Readonly<Record<string, IndicatorType>> = {
  'ip-src': 'ip',
  'ip-dst': 'ip',
  domain: 'domain',
  hostname: 'domain',
  url: 'url',
  link: 'url',
  md5: 'md5',
  sha1: 'sha1',
  sha256: 'sha256',
  email: 'email',
  'email-src': 'email',
  'email-dst': 'email',
};

function attributesOf(doc: unknown): unknown[] {
  if (Array.isArray(doc)) return doc.flatMap(attributesOf);
  if (!isObject(doc)) return [];
  if (doc.response !== undefined) return attributesOf(doc.response);
  if (isObject(doc.Event)) return attributesOf(doc.Event);
  const own = Array.isArray(doc.Attribute) ? doc.Attribute : [];
  const objects = Array.isArray(doc.Object)
    ? doc.Object.flatMap((o) => (isObject(o) && Array.isArray(o.Attribute) ? o.Attribute : []))
    : [];
  return [...own, ...objects];
}

export function parseMisp(text: string, feed: string): ParsedFeed {
  const doc = parseFeedJson(text, feed);
  if (!isObject(doc) && !Array.isArray(doc)) {
    throw new VigilError('INTEL_FEED_INVALID', `feed '${feed}' is not a MISP export (an object or array)`, { location: { file: feed } });
  }
  const indicators: Indicator[] = [];
  const skipped: Skipped[] = [];
  for (const a of attributesOf(doc)) {
    if (!isObject(a) || typeof a.type !== 'string' || typeof a.value !== 'string') continue;
    const id = typeof a.uuid === 'string' ? a.uuid : undefined;
    const skip = (reason: string) => skipped.push(id === undefined ? { reason } : { id, reason });
    const types = a.type.split('|');
    const values = a.value.split('|');
    let found = false;
    for (let k = 0; k < types.length; k++) {
      const type = TYPES[types[k] as string];
      const raw = values[k];
      if (!type || raw === undefined) continue;
      const t: IndicatorType = type === 'ip' && raw.includes('/') ? 'cidr' : type;
      const value = normalizeIndicator(t, raw);
      if (value === undefined) {
        skip(`'${raw}' is not a valid ${t} (MISP type ${a.type})`);
        continue;
      }
      found = true;
      const description = typeof a.comment === 'string' && a.comment !== '' ? a.comment : undefined;
      indicators.push({ type: t, value, ...(id !== undefined && { id }), ...(description !== undefined && { description }) });
    }
    if (!found && !types.some((t) => TYPES[t])) skip(`MISP attribute type '${a.type}' is not an indicator type Vigil looks up`);
  }
  return { indicators, skipped };
}
