import type { Conversion, FieldRule } from '../../core/event/vendor-keys.js';

/**
 * One vendor key to write and the ECS field it comes from: a row of an ingest table
 * (`core/event/vendor-keys.ts`) read backwards, so that encoding and parsing share one mapping.
 */
export interface EncodeRule {
  /** The key written (CEF's short name when it has one). */
  key: string;
  /** The ECS path, split once. */
  parts: readonly string[];
  as: Conversion;
}

/**
 * The rules that write each ECS field of `table` once. Where several vendor keys read into one ECS
 * field (`dhost` and `destinationDnsDomain` both into `destination.domain`), the key named in
 * `prefer` wins, else the first one that has a short name, else the first in table order.
 */
export function reverseRules(
  table: Readonly<Record<string, FieldRule>>,
  opts: { shortNames?: Readonly<Record<string, string>>; prefer?: Readonly<Record<string, string>> } = {},
): EncodeRule[] {
  const shortOf = new Map(Object.entries(opts.shortNames ?? {}).map(([short, full]) => [full, short]));
  const byPath = new Map<string, string[]>();
  for (const [key, rule] of Object.entries(table)) {
    const list = byPath.get(rule.path) ?? [];
    list.push(key);
    byPath.set(rule.path, list);
  }
  const rules: EncodeRule[] = [];
  for (const [path, keys] of byPath) {
    const preferred = opts.prefer?.[path];
    const chosen =
      (preferred !== undefined && keys.includes(preferred) ? preferred : undefined) ??
      keys.find((k) => shortOf.has(k)) ??
      (keys[0] as string);
    const rule = table[chosen] as FieldRule;
    rules.push({ key: shortOf.get(chosen) ?? chosen, parts: path.split('.'), as: rule.as });
  }
  return rules;
}

/** The value at a pre-split path of a nested event; own properties only. */
export function valueAt(event: Readonly<Record<string, unknown>>, parts: readonly string[]): unknown {
  let cur: unknown = event;
  for (const p of parts) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, p)) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/**
 * An ECS value as the vendor text that the ingest conversion `as` reads back into the same value;
 * undefined when there is none (an object, an empty array, a direction other than in/outbound).
 * Arrays give their first element: CEF and LEEF keys hold one value.
 */
export function vendorText(value: unknown, as: Conversion): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v === null || typeof v === 'object') return undefined;
  switch (as) {
    case 'date': {
      // Epoch milliseconds: exact, zone-free, and read by every CEF/LEEF consumer.
      const ms = typeof v === 'number' ? v : Date.parse(String(v));
      return Number.isFinite(ms) ? String(ms) : undefined;
    }
    case 'mac':
      // ECS writes `00-00-5E-00-53-23`; CEF and LEEF documents use colons.
      return String(v).replaceAll('-', ':');
    case 'transport':
      return String(v).toLowerCase();
    case 'direction01':
      return v === 'inbound' ? '0' : v === 'outbound' ? '1' : undefined;
    default: {
      const s = String(v);
      return s === '' ? undefined : s;
    }
  }
}
