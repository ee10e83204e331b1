/**
 * Keeps this process's `IntelStore` in step with the shared lists: checks the version every
 * `checkMs` and, when it moved, reads every feed's list and swaps a new index in, built from the
 * stored text without an object per indicator. A Redis that is away, or a stored list that cannot
 * be read, leaves the index in force as it is.
 */
import { VigilError, errorMessage } from '../core/errors/index.js';
import { logger, metrics } from '../core/telemetry/index.js';
import type { SharedLists } from './shared.js';
import { IndicatorIndex, type IntelStore } from './store.js';

const log = logger('intel');

export class IntelReader {
  private seen: string | null | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly shared: SharedLists,
    private readonly feeds: readonly string[],
    private readonly store: IntelStore,
  ) {}

  /** Reloads when the version moved; true when it did. */
  async check(): Promise<boolean> {
    try {
      const version = await this.shared.version();
      if (version === this.seen) return false;
      this.store.replace(IndicatorIndex.from(await this.shared.source(this.feeds)));
      this.seen = version;
      log.debug({ version, indicators: this.store.current.size }, 'indicator lists reloaded');
      return true;
    } catch (err) {
      const code = err instanceof VigilError ? err.code : 'INTEL_FEED_UNREACHABLE';
      metrics.errors.inc({ kind: 'intel', id: 'reader', code });
      log.error({ code, err: errorMessage(err) }, 'cannot read the shared indicator lists; the lists in force stay');
      return false;
    }
  }

  /** Checks now, then every `checkMs`. */
  async start(checkMs: number): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), checkMs);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
