/**
 * Threat-intelligence enrichment where ingest builds events from frames (syslog, RELP): the event
 * object gains `threat.enrichments` before it is serialized, on the main thread and on the frame
 * worker threads alike, so the enrichment publisher (`../publisher.ts`) need not parse and
 * serialize it again. The record says so in its marker header (`../frame-marker.ts`).
 *
 * Workers read the index in force from shared memory (`intel/shared-index.ts`): the index is
 * built there, so the main thread and every worker of every input read one copy. Why a message per new index rather than a shared buffer whose
 * generation workers poll: a new index is a new set of buffers (its size changes with the
 * lists), and a SharedArrayBuffer reaches another thread only by being posted, so a message is
 * needed anyway; and a worker handles its messages in order, so every batch dispatched after the
 * main thread swapped an index in is enriched with it there, as it would be inline. Posting an
 * index copies nothing: its arrays are SharedArrayBuffers from the build on.
 */
import type { IndicatorLookup, IntelStore } from '../../../intel/store.js';
import { shareIndex, type SharedIndexData } from '../../../intel/shared-index.js';

export { enrichEvent as enrichThreats } from '../../../intel/enrich.js';
export { SharedIndicatorIndex, type SharedIndexData } from '../../../intel/shared-index.js';

/** What the frame path needs: the index in force on this thread, and its shared copies for worker threads. */
export interface FrameIntel {
  /** Read for each event: a refresh is seen from the next event on. */
  readonly store: { readonly current: IndicatorLookup };
  /** The index in force, in shared memory. */
  shared(): SharedIndexData;
  /** Calls `fn` with the shared data of each index swapped in from now on (synchronously); returns how to stop. */
  onChange(fn: (index: SharedIndexData) => void): () => void;
}

export function frameIntel(store: IntelStore): FrameIntel {
  return {
    store,
    shared: () => shareIndex(store.current),
    onChange: (fn) => store.onReplace((index) => fn(shareIndex(index))),
  };
}
