/**
 * An abortable sleep that removes its abort listener when it ends. (`core/retry`'s `sleep` leaves
 * one listener per call on the signal, which a polling loop that sleeps thousands of times on one
 * signal turns into a leak and a MaxListenersExceededWarning.)
 */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
