import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { errorMessage } from '../errors/index.js';

/** The outcome of one check: `reason` says why it fails, `details` what it saw. */
export interface CheckResult {
  ok: boolean;
  reason?: string;
  details?: unknown;
}

/** A named check; it may throw (a failure whose reason is the error). */
export type Check = () => Promise<CheckResult> | CheckResult;

export interface HealthReport {
  ok: boolean;
  /** Every check by name, failing or not, with the time it took. */
  checks: Record<string, CheckResult & { ms: number }>;
}

/**
 * A set of named checks run together, each within `timeoutMs`: the report is ok when every
 * check is. A check that throws or does not answer in time fails with that as its reason.
 */
export class HealthChecks {
  private readonly checks = new Map<string, Check>();

  constructor(private readonly timeoutMs: number) {}

  add(name: string, check: Check): this {
    this.checks.set(name, check);
    return this;
  }

  async run(): Promise<HealthReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        const started = Date.now();
        const result = await withTimeout(check, this.timeoutMs);
        return [name, { ...result, ms: Date.now() - started }] as const;
      }),
    );
    return { ok: entries.every(([, r]) => r.ok), checks: Object.fromEntries(entries) };
  }
}

async function withTimeout(check: Check, ms: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: `no answer in ${ms} ms` }), ms);
  });
  try {
    return await Promise.race([Promise.resolve().then(check), timeout]);
  } catch (err) {
    return { ok: false, reason: errorMessage(err) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Liveness: the process answers and its event loop is not stuck. The largest event-loop delay
 * over the current and the previous window (`windowMs`) must stay under `maxDelayMs`; a loop
 * blocked for longer than that is reported once it can answer again, and a loop blocked for
 * good cannot answer at all, which the prober sees as a timeout.
 */
export class EventLoopWatch {
  private readonly histogram: IntervalHistogram;
  private previousMaxMs = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly maxDelayMs = 5000,
    windowMs = 30_000,
  ) {
    this.histogram = monitorEventLoopDelay({ resolution: 20 });
    this.histogram.enable();
    this.timer = setInterval(() => {
      this.previousMaxMs = this.histogram.max / 1e6;
      this.histogram.reset();
    }, windowMs);
    this.timer.unref();
  }

  check(): CheckResult {
    const current = this.histogram.count > 0 ? this.histogram.max / 1e6 : 0;
    const maxDelayMs = Math.round(Math.max(current, this.previousMaxMs));
    return maxDelayMs < this.maxDelayMs
      ? { ok: true, details: { maxDelayMs } }
      : { ok: false, reason: `the event loop was blocked for ${maxDelayMs} ms (limit ${this.maxDelayMs} ms)`, details: { maxDelayMs } };
  }

  stop(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }
}
