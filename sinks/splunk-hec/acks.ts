import type { HecResponse } from './classify.js';

/**
 * Indexer acknowledgement, the client side: ackIds handed out per channel, polled together on
 * `/services/collector/ack` until Splunk says true. An ackId that is not true by its deadline
 * has expired (the indexer restarted, the channel was cleaned up as idle, the ackId was never
 * recorded): its request must be sent again. Splunk forgets an ackId once it answered true, so
 * a true is final.
 */
export type AckResult = 'acked' | 'expired';

export interface AckPollerOptions {
  query: (ackIds: number[], channel: string) => Promise<HecResponse>;
  pollMs: number;
  timeoutMs: number;
  /** Called when a poll fails (network, busy); polling goes on. A 401/403 makes `onFatal` run instead. */
  onPollError?: (reason: string) => void;
  /** The collector refused the token while polling: every waiter is rejected with this error. */
  onFatal?: (reason: string) => Error;
  now?: () => number;
}

interface Waiter {
  deadline: number;
  resolve: (r: AckResult) => void;
  reject: (err: Error) => void;
}

export class AckPoller {
  private readonly pending = new Map<string, Map<number, Waiter>>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly opts: AckPollerOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Resolves when `ackId` on `channel` is true, or with `expired` past the timeout. */
  wait(channel: string, ackId: number): Promise<AckResult> {
    return new Promise((resolve, reject) => {
      if (this.closed) return resolve('expired');
      let byId = this.pending.get(channel);
      if (!byId) this.pending.set(channel, (byId = new Map()));
      byId.set(ackId, { deadline: this.now() + this.opts.timeoutMs, resolve, reject });
      this.schedule();
    });
  }

  /** ackIds still waiting, over all channels. */
  get size(): number {
    let n = 0;
    for (const m of this.pending.values()) n += m.size;
    return n;
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pollOnce().finally(() => {
        if (this.size > 0) this.schedule();
      });
    }, this.opts.pollMs);
  }

  /** One round: every channel with waiters is asked once; expired waiters are released. */
  async pollOnce(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      await Promise.all([...this.pending.keys()].map((channel) => this.pollChannel(channel)));
    } finally {
      this.polling = false;
    }
  }

  private async pollChannel(channel: string): Promise<void> {
    const byId = this.pending.get(channel);
    if (!byId || byId.size === 0) return;
    const ids = [...byId.keys()];
    let res: HecResponse | undefined;
    try {
      res = await this.opts.query(ids, channel);
    } catch (err) {
      this.opts.onPollError?.(`ack poll failed: ${(err as Error).message}`);
    }
    if (res && (res.status === 401 || res.status === 403)) {
      const err = this.opts.onFatal?.(`ack poll refused: HTTP ${res.status}`) ?? new Error(`ack poll refused: HTTP ${res.status}`);
      for (const w of byId.values()) w.reject(err);
      byId.clear();
      return;
    }
    const acks = res && res.status === 200 ? ackMap(res.body) : undefined;
    if (res && !acks) this.opts.onPollError?.(`ack poll answered HTTP ${res.status}`);
    const now = this.now();
    for (const id of ids) {
      const w = byId.get(id);
      if (!w) continue;
      if (acks?.[String(id)] === true) {
        byId.delete(id);
        w.resolve('acked');
      } else if (now >= w.deadline) {
        byId.delete(id);
        w.resolve('expired');
      }
    }
    if (byId.size === 0) this.pending.delete(channel);
  }

  /** Releases every waiter as expired (their requests are then not counted as delivered). */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const byId of this.pending.values()) for (const w of byId.values()) w.resolve('expired');
    this.pending.clear();
  }
}

function ackMap(body: unknown): Record<string, unknown> | undefined {
  const acks = body !== null && typeof body === 'object' ? (body as Record<string, unknown>).acks : undefined;
  return acks !== null && typeof acks === 'object' && !Array.isArray(acks) ? (acks as Record<string, unknown>) : undefined;
}
