import { levelRank } from './alert-facts.js';
import type { MergeChange } from './change.js';
import type { ResolvedIncidentOptions } from './options.js';
import { addCapped, RECENT_IDS, type IncidentState } from './state.js';

/** The builder's indexes a merge updates. */
export interface MergeIndexes {
  /** The alert ids `to` holds (its redelivery check). */
  held: Set<string>;
  index(entity: string, id: string): void;
  unindex(entity: string, id: string): void;
}

/**
 * B (`from`) into A (`to`): A gains B's alerts, rules and entities (within its caps), and B's
 * entities are indexed under A, so that alerts that would have joined or been suppressed by B go
 * to A; B is closed with reason `merged` and indexes nothing from then on.
 */
export function mergeInto(
  from: IncidentState,
  to: IncidentState,
  c: MergeChange,
  at: number,
  o: ResolvedIncidentOptions,
  ix: MergeIndexes,
): void {
  for (const id of [...from.alerts, ...from.recent]) {
    if (ix.held.has(id)) continue;
    ix.held.add(id);
    if (to.alerts.length < o.maxAlertIds) to.alerts.push(id);
    else {
      to.recent.push(id);
      if (to.recent.length > RECENT_IDS) ix.held.delete(to.recent.shift() as string);
    }
  }
  to.count += from.count;
  for (const r of from.rules) {
    const tally = to.rules.find((t) => t.id === r.id);
    if (tally) {
      tally.count += r.count;
      if (levelRank(r.level) > levelRank(tally.level)) tally.level = r.level;
    } else if (to.rules.length < o.maxRules) to.rules.push({ ...r });
  }
  addCapped(to.tags, from.tags, o.maxListed);
  addCapped(to.techniques, from.techniques, o.maxListed);
  addCapped(to.tactics, from.tactics, o.maxListed);
  addCapped(to.hosts, from.hosts, o.maxListed);
  addCapped(to.users, from.users, o.maxListed);
  addCapped(to.ips, from.ips, o.maxListed);
  let entities = Object.keys(to.pairs).length;
  for (const [k, rules] of Object.entries(from.pairs)) {
    ix.unindex(k, from.id);
    let mine = to.pairs[k];
    if (!mine) {
      if (entities >= o.maxEntities) continue;
      mine = to.pairs[k] = {};
      entities++;
      ix.index(k, to.id);
    }
    // The later period start of the two: suppression covers what either incident would have suppressed last.
    for (const [rule, since] of Object.entries(rules)) if (mine[rule] === undefined || since > (mine[rule] as number)) mine[rule] = since;
  }
  to.maxSince = Math.max(to.maxSince, from.maxSince);
  to.first = Math.min(to.first, from.first);
  to.last = Math.max(to.last, from.last);
  if (to.host === undefined && from.host !== undefined) to.host = from.host;
  if (to.user === undefined && from.user !== undefined) to.user = from.user;
  if (to.source === undefined && from.source !== undefined) to.source = from.source;
  to.merged = [...(to.merged ?? []), from.id];
  from.status = 'closed';
  from.change = { at, by: c.by, reason: 'merged', source: c.source };
  from.mergedInto = to.id;
}
