import { VigilError } from '../../core/errors/index.js';
import { parseDuration } from '../duration.js';

/** Argument checks shared by the core actions; each failure is ACTION_REJECTED naming the action. */
export function argChecker(action: string) {
  const reject = (why: string): never => {
    throw new VigilError('ACTION_REJECTED', `${action}: ${why}`);
  };
  return {
    reject,
    string(args: Readonly<Record<string, unknown>>, name: string): string {
      const v = args[name];
      if (typeof v !== 'string' || v === '') return reject(`${name} must be a non-empty string`);
      return v;
    },
    optionalString(args: Readonly<Record<string, unknown>>, name: string): string | undefined {
      const v = args[name];
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'string') return reject(`${name} must be a string`);
      return v;
    },
    /** A string or a list of strings, as a list. */
    list(args: Readonly<Record<string, unknown>>, name: string): string[] | undefined {
      const v = args[name];
      if (v === undefined || v === null) return undefined;
      const items = Array.isArray(v) ? v : [v];
      if (!items.every((i) => typeof i === 'string' && i !== '')) return reject(`${name} must be a string or a list of strings`);
      return items as string[];
    },
    timeoutMs(args: Readonly<Record<string, unknown>>, fallback: number): number {
      if (args.timeout === undefined) return fallback;
      const ms = parseDuration(args.timeout);
      if (ms === undefined || ms <= 0) return reject('timeout must be a duration such as 10s');
      return ms;
    },
  };
}

/** The message of an unknown thrown value, with its `code` when it has one (ECONNREFUSED …). */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' && !err.message.includes(code) ? `${code} ${err.message}` : err.message;
  }
  return String(err);
}

/** Resolves when `signal` aborts, rejecting with ACTION_FAILED (a step timeout may pass later). */
export function abortedBy(signal: AbortSignal, action: string): Promise<never> {
  const aborted = new Promise<never>((_, reject) => {
    const fail = () => reject(new VigilError('ACTION_FAILED', `${action}: aborted (step timeout or shutdown)`));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
  // Marked handled: when the race was won by the work, a later abort must not be an unhandled rejection.
  aborted.catch(() => undefined);
  return aborted;
}
