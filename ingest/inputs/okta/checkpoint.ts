import { isObject } from '../../normalize/cloud/index.js';

/**
 * Where the System Log was read to: the `published` time of the newest event delivered and the
 * uuids delivered at that exact time (several events share a millisecond). A restart asks for
 * `since=<published>` (inclusive) and skips those uuids, so nothing is lost or repeated.
 */
export interface OktaCheckpoint {
  published: string;
  uuids: string[];
}

/** Events of a page not delivered before, and the checkpoint after them. */
export function advance(cp: OktaCheckpoint | undefined, events: unknown[]): { fresh: unknown[]; checkpoint: OktaCheckpoint | undefined } {
  let published = cp?.published;
  let uuids = new Set(cp?.uuids ?? []);
  const fresh: unknown[] = [];
  for (const e of events) {
    const p = isObject(e) && typeof e.published === 'string' ? e.published : undefined;
    const uuid = isObject(e) && typeof e.uuid === 'string' ? e.uuid : undefined;
    if (p !== undefined && published !== undefined) {
      const cmp = Date.parse(p) - Date.parse(published);
      if (cmp < 0 || (cmp === 0 && uuid !== undefined && uuids.has(uuid))) continue;
    }
    fresh.push(e);
    if (p === undefined) continue;
    if (published === undefined || Date.parse(p) > Date.parse(published)) {
      published = p;
      uuids = new Set();
    }
    if (uuid !== undefined) uuids.add(uuid);
  }
  return { fresh, checkpoint: published === undefined ? cp : { published, uuids: [...uuids] } };
}
