/**
 * Enrichment at ingest, as a publisher in front of the producer: every record bound for
 * `vigil.events` is looked up before it leaves, whichever input made it. Why at ingest and not
 * in detect: detect writes alerts, not events, so enrichment there would never reach
 * `vigil.events` and the sinks that index it; at ingest every consumer (detect, Elasticsearch,
 * the archive) sees the same enriched event, matched against the lists in force when it came.
 * A record that is not a JSON object goes on untouched: enrichment never loses an event.
 */
import type { OutRecord, Publisher } from '../core/bus/types.js';
import { metrics } from '../core/telemetry/index.js';
import { enrichEvent } from './enrich.js';
import type { IntelStore } from './store.js';

export function enrichingPublisher(next: Publisher, eventsTopic: string, store: IntelStore): Publisher {
  return {
    send(topic: string, records: OutRecord[]): Promise<void> {
      const index = store.current;
      if (topic !== eventsTopic || index.size === 0) return next.send(topic, records);
      const now = Date.now();
      let enriched = 0;
      const out = records.map((r) => {
        let event: unknown;
        try {
          event = JSON.parse(typeof r.value === 'string' ? r.value : r.value.toString('utf8'));
        } catch {
          return r;
        }
        if (typeof event !== 'object' || event === null || Array.isArray(event)) return r;
        if (enrichEvent(event as Record<string, unknown>, index, now) === 0) return r;
        enriched++;
        return { ...r, value: JSON.stringify(event) };
      });
      if (enriched > 0) metrics.sent.inc({ kind: 'intel', id: 'enrich' }, enriched);
      return next.send(topic, out);
    },
  };
}
