/**
 * Threat intelligence as a step of the enrichment publisher (`../publisher.ts`): every other
 * input's events are matched against the lists in force when their batch came.
 */
import { enrichEvent } from '../../../intel/enrich.js';
import type { IndicatorLookup } from '../../../intel/store.js';
import type { EnrichmentStep } from '../publisher.js';

export function intelStep(store: { readonly current: IndicatorLookup }): EnrichmentStep {
  return {
    name: 'intel',
    counted: { kind: 'intel', id: 'enrich' },
    forBatch() {
      const index = store.current;
      if (index.size === 0) return undefined;
      const now = Date.now();
      return (event) => enrichEvent(event, index, now) > 0;
    },
  };
}
