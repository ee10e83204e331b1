/**
 * `threat.enrichments` (ECS 8 threat fields): for each event field holding an indicator, the
 * indicator (type, value, feed as `provider`, description, id) and what matched it
 * (`matched.atomic` the event's value, `matched.field`, `matched.type`).
 */
import { getField } from '../core/event/fields.js';
import type { IndicatorType, IntelList } from './model.js';
import type { IndicatorLookup, IntelMatch } from './store.js';

/** The event fields looked up, and the list each is looked up in. */
export const ENRICHED_FIELDS: ReadonlyArray<readonly [field: string, list: IntelList]> = [
  ['source.ip', 'ip'],
  ['destination.ip', 'ip'],
  ['client.ip', 'ip'],
  ['server.ip', 'ip'],
  ['source.domain', 'domain'],
  ['destination.domain', 'domain'],
  ['url.domain', 'domain'],
  ['dns.question.name', 'domain'],
  ['url.full', 'url'],
  ['url.original', 'url'],
  ['file.hash.md5', 'hash'],
  ['file.hash.sha1', 'hash'],
  ['file.hash.sha256', 'hash'],
  ['process.hash.md5', 'hash'],
  ['process.hash.sha1', 'hash'],
  ['process.hash.sha256', 'hash'],
  ['email.from.address', 'email'],
  ['email.sender.address', 'email'],
  ['email.to.address', 'email'],
];

/** ECS `threat.indicator.type` (the STIX cyber-observable names ECS adopted). */
function ecsType(type: IndicatorType, value: string): string {
  switch (type) {
    case 'ip':
    case 'cidr':
      return value.includes(':') ? 'ipv6-addr' : 'ipv4-addr';
    case 'domain':
      return 'domain-name';
    case 'url':
      return 'url';
    case 'email':
      return 'email-addr';
    default:
      return 'file';
  }
}

function indicatorFields(m: IntelMatch): Record<string, unknown> {
  const { type, value, id, description } = m.indicator;
  const out: Record<string, unknown> = { type: ecsType(type, value), provider: m.feed };
  if (id !== undefined) out.id = id;
  if (description !== undefined) out.description = description;
  switch (type) {
    case 'ip':
      out.ip = value;
      break;
    case 'cidr':
      // ECS `indicator.ip` is an ip field, which takes a network in Elasticsearch too.
      out.ip = value;
      break;
    case 'domain':
      out.url = { domain: value };
      break;
    case 'url':
      out.url = { full: value };
      break;
    case 'email':
      out.email = { address: value };
      break;
    default:
      out.file = { hash: { [type]: value } };
  }
  return out;
}

/**
 * Adds a `threat.enrichments` entry for every indicator the event holds (an array field: each
 * element). Returns how many; the event is left untouched when none.
 */
export function enrichEvent(event: Record<string, unknown>, index: IndicatorLookup, now = Date.now()): number {
  if (index.size === 0) return 0;
  let added: Record<string, unknown>[] | undefined;
  for (const [field, list] of ENRICHED_FIELDS) {
    const raw = getField(event, field);
    if (raw === undefined || raw === null) continue;
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      const m = index.match(list, value, now);
      if (!m) continue;
      (added ??= []).push({
        indicator: indicatorFields(m),
        matched: {
          atomic: value,
          field,
          type: 'indicator_match_ingest',
          occurred: new Date(now).toISOString(),
          ...(m.indicator.id !== undefined && { id: m.indicator.id }),
        },
      });
    }
  }
  if (!added) return 0;
  const threat = (
    typeof event.threat === 'object' && event.threat !== null && !Array.isArray(event.threat) ? event.threat : (event.threat = {})
  ) as Record<string, unknown>;
  const before = Array.isArray(threat.enrichments) ? (threat.enrichments as unknown[]) : [];
  threat.enrichments = [...before, ...added];
  return added.length;
}
