/**
 * GeoIP enrichment as a publisher in front of the producer, like threat-intelligence enrichment:
 * every record bound for `vigil.events` is enriched whichever input made it, and the events the
 * normalizers produce stay the same (their golden tests do not see this step). A record that is
 * not a JSON object goes on untouched. A record the frame path already enriched (`frame.ts`) is
 * passed on without being parsed, its marker header taken off.
 */
import type { OutRecord, Publisher } from '../../../core/bus/types.js';
import { metrics } from '../../../core/telemetry/index.js';
import { enrichEvent } from './enrich.js';
import { enrichedAtFrame, withoutMarker } from './frame.js';
import type { GeoipLookup } from './lookup.js';

export function geoipPublisher(next: Publisher, eventsTopic: string, lookup: GeoipLookup): Publisher {
  return {
    send(topic: string, records: OutRecord[]): Promise<void> {
      if (topic !== eventsTopic) return next.send(topic, records);
      let enriched = 0;
      const out = records.map((r) => {
        if (enrichedAtFrame(r)) return withoutMarker(r);
        const enrichedValue = enrichValue(r.value, lookup);
        if (enrichedValue === undefined) return r;
        enriched++;
        return { ...r, value: enrichedValue };
      });
      if (enriched > 0) metrics.sent.inc({ kind: 'enrich', id: 'geoip' }, enriched);
      return next.send(topic, out);
    },
  };
}

/** The record's value with `geo`/`as` added, or undefined when nothing was added. */
export function enrichValue(value: Buffer | string, lookup: GeoipLookup): string | undefined {
  let event: unknown;
  try {
    event = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return undefined;
  return enrichEvent(event as Record<string, unknown>, lookup) > 0 ? JSON.stringify(event) : undefined;
}
