/** Wall time of one synchronous call, in milliseconds (for tests that bound a parser's running time). */
export function elapsedMs(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}
