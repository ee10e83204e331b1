/**
 * At most `width` calls of the returned function run at once; the others wait their turn, in order.
 * The sink's POSTs share one: a request waiting for its indexer acknowledgement holds no place,
 * so that the connections keep sending while earlier requests are being acknowledged.
 */
export function limiter(width: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (fn) => {
    if (running >= width) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await fn();
    } finally {
      // The place goes straight to the next waiter, if any: `running` stays as it is.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
