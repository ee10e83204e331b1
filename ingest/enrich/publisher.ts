/**
 * Enrichment in front of the producer, for the events of inputs that do not build them from
 * frames (S2S, cloud and file inputs): each record bound for `vigil.events` is parsed once,
 * goes through every configured step in order (GeoIP, threat intelligence, …), and is serialized
 * once when a step added something. Why at ingest and not in detect: detect writes alerts, not
 * events, so enrichment there would never reach `vigil.events` and the sinks that index it; at
 * ingest every consumer (detect, Elasticsearch, the archive) sees the same enriched event.
 *
 * A record the frame path (or the HEC input, which enriches each event as it builds it) already
 * enriched (`frame-marker.ts`) skips the steps its marker names, and is passed by unparsed when
 * none is left; the marker is taken off, so it never reaches Kafka. A record that is not a JSON
 * object goes on untouched: enrichment never loses an event.
 */
import type { OutRecord, Publisher } from '../../core/bus/types.js';
import { metrics } from '../../core/telemetry/index.js';
import { enrichedAtFrame, isMarked, withoutMarker, type FrameEnrichment } from './frame-marker.js';

/** Adds fields to one event in place; true when it added any. */
export type EnrichEvent = (event: Record<string, unknown>) => boolean;

export interface EnrichmentStep {
  /** Its name on the frame marker: records marked with it were enriched by it already. */
  readonly name: FrameEnrichment;
  /** The `vigil_sent_total` labels under which the events it added to are counted. */
  readonly counted: { kind: string; id: string };
  /**
   * What enriches the events of one batch (called once per batch, so that a step reads its data
   * and the time once); undefined when it has nothing to add to this batch (an empty indicator list).
   */
  forBatch(): EnrichEvent | undefined;
}

export function enrichmentPublisher(next: Publisher, eventsTopic: string, steps: readonly EnrichmentStep[]): Publisher {
  return {
    send(topic: string, records: OutRecord[]): Promise<void> {
      if (topic !== eventsTopic) return next.send(topic, records);
      const batch = steps.map((s) => s.forBatch());
      const added = steps.map(() => 0);
      const out = records.map((r) => {
        const marked = isMarked(r);
        const record = marked ? withoutMarker(r) : r;
        let event: Record<string, unknown> | undefined;
        let changed = false;
        for (let i = 0; i < steps.length; i++) {
          const enrich = batch[i];
          if (enrich === undefined || (marked && enrichedAtFrame(r, (steps[i] as EnrichmentStep).name))) continue;
          if (event === undefined) {
            event = parseObject(record.value);
            if (event === undefined) return record;
          }
          if (enrich(event)) {
            added[i]++;
            changed = true;
          }
        }
        return changed ? { ...record, value: JSON.stringify(event) } : record;
      });
      steps.forEach((s, i) => {
        if ((added[i] as number) > 0) metrics.sent.inc(s.counted, added[i]);
      });
      return next.send(topic, out);
    },
  };
}

/** The record's event, or undefined when its value is not a JSON object. */
function parseObject(value: Buffer | string): Record<string, unknown> | undefined {
  let event: unknown;
  try {
    event = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch {
    return undefined;
  }
  return typeof event === 'object' && event !== null && !Array.isArray(event) ? (event as Record<string, unknown>) : undefined;
}
