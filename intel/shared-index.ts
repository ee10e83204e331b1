/**
 * What ingest's frame worker threads are given of the index in force: its data as it is, in
 * `SharedArrayBuffer`s (`builder.ts` builds it there), so posting it shares the memory and every
 * worker of every input reads the one copy the main thread looks values up in. A worker opens
 * it with `SharedIndicatorIndex`, the same class and lookups as the main thread's.
 */
import { IndicatorIndex, type IndexData } from './store.js';

export type SharedIndexData = IndexData;

/** The index's data, to post to a worker thread (nothing is copied). */
export function shareIndex(index: IndicatorIndex): SharedIndexData {
  return index.data;
}

export { IndicatorIndex as SharedIndicatorIndex };
