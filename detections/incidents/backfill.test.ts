import { describe, expect, it } from 'vitest';
import { missingTimes } from './backfill.js';

const T0 = Date.parse('2026-05-04T10:00:00.000Z');
const at = (m: number) => T0 + m * 60_000;
const iso = (m: number) => new Date(at(m)).toISOString();

/** A document read by the backfill: first alert at 0, its last status change at `last`. */
function hit(status: string, last: number, extra: Record<string, unknown> = {}) {
  return {
    _id: 'inc-1',
    _index: 'x',
    _source: { incident: { id: 'inc-1', status, first_seen: iso(0), status_change: { at: iso(last) }, ...extra } },
  };
}
const one = (m?: number) => new Map(m === undefined ? [] : [['inc-1', at(m)]]);

describe('missingTimes: which acknowledgement counts', () => {
  it.each([
    // [what, status, last change, audit trail, status topic, acknowledged at]
    ['only the topic knows it (vigil incident ack, then closed)', 'closed', 20, undefined, 7, 7],
    ['only the trail knows it (its topic record compacted away)', 'closed', 20, 3, undefined, 3],
    ['the earliest of trail and topic', 'closed', 20, 9, 4, 4],
    ['the earliest of the document and the topic', 'acknowledged', 15, undefined, 5, 5],
    ['the document when the sources are later than its last change', 'acknowledged', 15, 16, 17, 15],
    ['none after the last change: that version did not have it', 'closed', 10, undefined, 12, undefined],
    ['an acknowledgement at the last change itself counts', 'closed', 10, undefined, 10, 10],
    ['no source: left without one', 'closed', 20, undefined, undefined, undefined],
  ] as const)('%s', (_what, status, last, trail, topic, expected) => {
    const doc = missingTimes(hit(status, last) as never, one(trail), one(topic));
    expect(doc?.incident.acknowledged_at).toBe(expected === undefined ? undefined : iso(expected));
    expect(doc?.incident.minutes_to_acknowledge).toBe(expected);
  });

  it('keeps a time the document has, whatever the sources say', () => {
    const doc = missingTimes(hit('closed', 20, { acknowledged_at: iso(9), minutes_to_acknowledge: 9 }) as never, one(1), one(2));
    expect(doc?.incident).toEqual({ resolved_at: iso(20), minutes_to_resolve: 20 });
  });
});
