/**
 * CPU µs per event of each variant, best of `rounds` rounds of `events` events on this thread.
 * The variants take turns within a round, so that a burst of load on this shared machine does
 * not fall on one of them alone; CPU time rather than wall time for the same reason.
 */
export function cpuPerEvent<K extends string>(
  variants: Record<K, (n: number) => void>,
  { events, rounds }: { events: number; rounds: number },
): Record<K, number> {
  const runs = Object.entries(variants) as Array<[K, (n: number) => void]>;
  const best = {} as Record<K, number>;
  for (const [name, run] of runs) {
    run(Math.min(events, 20_000)); // warm-up
    best[name] = Number.POSITIVE_INFINITY;
  }
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of runs) {
      const start = process.cpuUsage();
      run(events);
      const used = process.cpuUsage(start);
      best[name] = Math.min(best[name], (used.user + used.system) / events);
    }
  }
  return best;
}
