import type { Counter } from 'prom-client';

/** Sum of a counter's values whose labels include `labels`. */
export async function counterValue<T extends string>(c: Counter<T>, labels: Partial<Record<T, string>>): Promise<number> {
  const m = await c.get();
  return m.values
    .filter((v) => Object.entries(labels).every(([k, val]) => (v.labels as Record<string, unknown>)[k] === val))
    .reduce((sum, v) => sum + v.value, 0);
}
