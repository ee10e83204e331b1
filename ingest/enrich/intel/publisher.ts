/**
 * Threat-intelligence enrichment as a publisher in front of the producer, for the events of
 * inputs that do not build them from frames (HEC, S2S, cloud and file inputs): every record bound
 * for `vigil.events` is looked up before it leaves. Why at ingest and not in detect: detect
 * writes alerts, not events, so enrichment there would never reach `vigil.events` and the sinks
 * that index it; at ingest every consumer (detect, Elasticsearch, the archive) sees the same
 * enriched event, matched against the lists in force when it came. A record the frame path
 * already enriched (`frame.ts`) is passed on without being parsed, `intel` taken off its marker.
 * A record that is not a JSON object goes on untouched: enrichment never loses an event.
 */
import type { OutRecord, Publisher } from '../../../core/bus/types.js';
import { metrics } from '../../../core/telemetry/index.js';
import { enrichEvent } from '../../../intel/enrich.js';
import type { IndicatorLookup } from '../../../intel/store.js';
import { enrichedAtFrame, withoutMarker } from '../frame-marker.js';

export function intelPublisher(next: Publisher, eventsTopic: string, store: { readonly current: IndicatorLookup }): Publisher {
  return {
    send(topic: string, records: OutRecord[]): Promise<void> {
      if (topic !== eventsTopic) return next.send(topic, records);
      const index = store.current;
      const now = Date.now();
      let enriched = 0;
      const out = records.map((r) => {
        if (enrichedAtFrame(r, 'intel')) return withoutMarker(r, 'intel');
        if (index.size === 0) return r;
        const value = enrichValue(r.value, index, now);
        if (value === undefined) return r;
        enriched++;
        return { ...r, value };
      });
      if (enriched > 0) metrics.sent.inc({ kind: 'intel', id: 'enrich' }, enriched);
      return next.send(topic, out);
    },
  };
}

/** The record's value with `threat.enrichments` added, or undefined when nothing was added. */
export function enrichValue(value: Buffer | string, index: IndicatorLookup, now: number): string | undefined {
  let event: unknown;
  try {
    event = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return undefined;
  return enrichEvent(event as Record<string, unknown>, index, now) > 0 ? JSON.stringify(event) : undefined;
}
