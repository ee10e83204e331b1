/**
 * The indicator lists the `intel` modifier looks values up in, by name. A compiled rule holds a
 * slot, not a list: threat-intelligence lists change on their own schedule (a feed refresh), far
 * more often than rules reload, and every rule must see the new list on its next event without
 * being compiled again. The process that runs the rules fills the slots (`vigil run` from the
 * shared lists in Redis); a slot nobody filled holds nothing, so the rule matches nothing.
 */

/** A live list: `has` answers from whatever the list holds now, in O(1). */
export interface LookupList {
  has(value: unknown): boolean;
}

/** The lists a rule may name: the kinds of value an event field holds. */
export const LOOKUP_LISTS = ['ip', 'domain', 'url', 'hash', 'email'] as const;
export type LookupListName = (typeof LOOKUP_LISTS)[number];

export interface LookupSlot {
  readonly name: LookupListName;
  current: LookupList | undefined;
}

const slots = new Map<LookupListName, LookupSlot>();

export function isLookupListName(name: string): name is LookupListName {
  return (LOOKUP_LISTS as readonly string[]).includes(name);
}

export function lookupSlot(name: LookupListName): LookupSlot {
  let slot = slots.get(name);
  if (!slot) slots.set(name, (slot = { name, current: undefined }));
  return slot;
}

/** Fills the slots of these lists; returns what puts the previous lists back. */
export function provideLookups(lists: Partial<Record<LookupListName, LookupList>>): () => void {
  const before = new Map<LookupListName, LookupList | undefined>();
  for (const [name, list] of Object.entries(lists) as [LookupListName, LookupList][]) {
    const slot = lookupSlot(name);
    before.set(name, slot.current);
    slot.current = list;
  }
  return () => {
    for (const [name, list] of before) lookupSlot(name).current = list;
  };
}

/**
 * A fixed list of exact values (lower-cased, so that `Evil.Example` and `evil.example` meet):
 * what a rule sidecar's `intel:` gives `vigil rules test`, where no feed runs.
 */
export function fixedLookup(values: Iterable<string>): LookupList {
  const set = new Set([...values].map((v) => v.trim().toLowerCase()));
  return { has: (value) => typeof value === 'string' && set.has(value.trim().toLowerCase()) };
}
