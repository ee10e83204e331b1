import { getPath, splitPath } from './paths.js';
import type { Doc } from './transforms.js';
import type { SinkTopic } from '../runner/types.js';

/**
 * Deterministic 1-in-N sampling by a key: FNV-1a of the key's value, kept when it falls in
 * bucket 0. Every record of one host (say) is kept or every one is dropped, in every process
 * and across restarts, so that what reaches the SIEM stays whole per entity.
 */
export function sampler(rate: number, key: string): (topic: SinkTopic, doc: Doc) => boolean {
  const path = splitPath(key);
  return (topic, doc) => {
    if (rate <= 1 || neverSampled(topic, doc)) return true;
    const v = getPath(doc, path);
    if (v === undefined || v === null) return true; // no key, no entity to keep together: keep rather than guess
    return fnv1a(typeof v === 'string' ? v : JSON.stringify(v)) % rate === 0;
  };
}

/**
 * What a rule matched is never sampled: alerts (which embed the matched event under
 * `vigil.alert.event`), incidents and actions, and an event that says it matched
 * (`vigil.matched`, `vigil.alert`, `event.kind: alert`).
 */
export function neverSampled(topic: SinkTopic, doc: Doc): boolean {
  if (topic !== 'events') return true;
  const vigil = doc.vigil as Record<string, unknown> | undefined;
  if (vigil && (vigil.matched || vigil.alert)) return true;
  const event = doc.event as Record<string, unknown> | undefined;
  return event?.kind === 'alert' || event?.kind === 'signal';
}

/** 32-bit FNV-1a over UTF-16 code units: fast, and stable across processes (unlike Math.random or object identity). */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
