/**
 * Refreshes each feed on its schedule and writes what it fetched to the shared lists. A fetch
 * or parse that fails writes nothing: the last good list stays in force everywhere, and the
 * failure is counted (`vigil_component_errors_total{kind="intel"}`) and logged with its code.
 */
import { randomUUID } from 'node:crypto';
import { VigilError, errorMessage } from '../core/errors/index.js';
import { logger, metrics } from '../core/telemetry/index.js';
import type { IntelFeedConfig } from './config.js';
import { fetchFeed, newTaxiiState, type TaxiiState } from './fetch.js';
import type { SharedLists } from './shared.js';

const log = logger('intel');

export type RefreshOutcome =
  { ok: true; indicators: number; skipped: number } | { ok: false; code: string; message: string } | { ok: 'claimed-elsewhere' };

export class FeedPoller {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly taxii = new Map<string, TaxiiState>();
  private readonly owner = randomUUID();
  private readonly running = new Map<string, Promise<RefreshOutcome>>();

  constructor(
    private readonly feeds: readonly IntelFeedConfig[],
    private readonly shared: SharedLists,
  ) {}

  /** Fetches every feed now, then each again every `refreshSeconds`; resolves when the first round is done. */
  async start(): Promise<void> {
    const first = this.feeds.map((feed) => this.scheduled(feed));
    for (const feed of this.feeds) {
      const t = setInterval(() => void this.scheduled(feed), feed.refreshSeconds * 1000);
      t.unref();
      this.timers.push(t);
    }
    await Promise.all(first);
  }

  private async scheduled(feed: IntelFeedConfig): Promise<void> {
    // Another process that refreshed within the period has already written the list.
    if (!(await this.shared.claim(feed.id, feed.refreshSeconds * 900, this.owner).catch(() => false))) return;
    await this.refresh(feed.id);
  }

  /** Fetches one feed now and, when it parses, replaces its shared list. Never throws. */
  refresh(id: string): Promise<RefreshOutcome> {
    const inFlight = this.running.get(id);
    if (inFlight) return inFlight;
    const p = this.fetchAndWrite(id).finally(() => this.running.delete(id));
    this.running.set(id, p);
    return p;
  }

  private async fetchAndWrite(id: string): Promise<RefreshOutcome> {
    const feed = this.feeds.find((f) => f.id === id);
    if (!feed) return { ok: false, code: 'CONFIG_REQUIRED', message: `no feed '${id}'` };
    let state = this.taxii.get(id);
    if (!state) this.taxii.set(id, (state = newTaxiiState()));
    try {
      const parsed = await fetchFeed(feed, state);
      const changed = await this.shared.write(feed.id, parsed.indicators);
      metrics.intelIndicators.set({ feed: feed.id }, parsed.indicators.length);
      metrics.intelSkipped.set({ feed: feed.id }, parsed.skipped.length);
      metrics.intelLastSuccess.set({ feed: feed.id }, Date.now() / 1000);
      if (parsed.skipped.length > 0) {
        log.info({ feed: feed.id, skipped: parsed.skipped.length, first: parsed.skipped.slice(0, 5) }, 'feed entries skipped');
      }
      log[changed ? 'info' : 'debug']({ feed: feed.id, indicators: parsed.indicators.length, changed }, 'feed refreshed');
      return { ok: true, indicators: parsed.indicators.length, skipped: parsed.skipped.length };
    } catch (err) {
      const code = err instanceof VigilError ? err.code : 'INTEL_FEED_UNREACHABLE';
      metrics.errors.inc({ kind: 'intel', id: feed.id, code });
      log.error({ feed: feed.id, code, err: errorMessage(err) }, 'feed refresh failed; the last good list stays in force');
      return { ok: false, code, message: errorMessage(err) };
    }
  }

  close(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
  }
}
