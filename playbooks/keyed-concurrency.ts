/**
 * Runs `fn` over items, items of one key one after another in their order, different keys at
 * once (at most `limit` keys at a time). Waits for every item to settle and then throws the first
 * failure, so that a batch retried after a failure never overlaps with its own first attempt.
 *
 * The respond stage dispatches a batch of incidents this way: each dispatch waits for Kafka and
 * Redis (tens of ms), and one at a time capped a worker at a few dozen incidents per second while
 * incidents of different ids have nothing to wait for from each other. Updates of one incident (its
 * Kafka key) stay in order.
 */
export async function forEachByKey<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  const queue = [...groups.values()];
  const failures: unknown[] = [];
  const lane = async () => {
    for (let group = queue.shift(); group; group = queue.shift()) {
      for (const item of group) {
        try {
          await fn(item);
        } catch (err) {
          failures.push(err);
          break; // the rest of this key waits for the retry, in order
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, queue.length)) }, lane));
  if (failures.length > 0) throw failures[0];
}
