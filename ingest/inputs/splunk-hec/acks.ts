/**
 * HEC indexer acknowledgement, made real: each request on an ack-enabled token gets the next
 * ackId of its channel at once, and that id turns true only when Kafka acknowledged (acks=all)
 * every event of the request. Splunk forgets an id once it has reported it true, and forgets a
 * channel left idle; so do we. An id whose publish failed is forgotten too: it then reads false
 * forever (until the channel expires), and the client resends after its own ack timeout.
 *
 * Bounds keep a misbehaving client from growing memory without limit: ids per channel (until
 * queried) and channels at once. Past either, `open` says busy and the request gets code 9.
 */
export interface AckOptions {
  maxPerChannel: number;
  maxChannels: number;
  /** A channel unused (no request, no query) this long is dropped, in ms. */
  idleMs: number;
  /** Clock in ms. Default Date.now. */
  now?: () => number;
}

/**
 * Ids per channel, per millisecond of the clock when the registry was made. Splunk numbers a
 * channel's ids from 0; so did we, and a restarted ingest then handed out 0, 1, … again, so a
 * client still waiting on an id of the process that died could read the new request's `true`
 * as its own and drop a lost request. Starting at the start time in microseconds puts every id
 * of a later process above every id of an earlier one, unless a channel took over a million
 * requests a second for the whole life of the earlier one; 2^53 lasts until the year 2255.
 */
const IDS_PER_MS = 1000;

interface Channel {
  next: number;
  /** false while Kafka has not acknowledged, true once it has. */
  ids: Map<number, boolean>;
  lastUsed: number;
}

export class AckRegistry {
  private readonly channels = new Map<string, Channel>();
  private readonly now: () => number;
  private readonly firstId: number;

  constructor(private readonly opts: AckOptions) {
    this.now = opts.now ?? Date.now;
    this.firstId = this.now() * IDS_PER_MS;
  }

  /** The next ackId of `channel` (counting up from the registry's start), or `busy` when a bound is reached. */
  open(channel: string): number | 'busy' {
    let ch = this.channels.get(channel);
    if (!ch) {
      if (this.channels.size >= this.opts.maxChannels) {
        this.sweep();
        if (this.channels.size >= this.opts.maxChannels) return 'busy';
      }
      ch = { next: this.firstId, ids: new Map(), lastUsed: this.now() };
      this.channels.set(channel, ch);
    }
    if (ch.ids.size >= this.opts.maxPerChannel) return 'busy';
    ch.lastUsed = this.now();
    const id = ch.next++;
    ch.ids.set(id, false);
    return id;
  }

  /** Kafka acknowledged (`ok`) or refused the events of `id`. */
  settle(channel: string, id: number, ok: boolean): void {
    const ch = this.channels.get(channel);
    if (!ch || !ch.ids.has(id)) return; // the channel expired meanwhile
    if (ok) ch.ids.set(id, true);
    else ch.ids.delete(id);
  }

  /** Status of each id; ids reported true are forgotten, as Splunk does. Unknown ids are false. */
  query(channel: string, ids: readonly number[]): Record<string, boolean> {
    const ch = this.channels.get(channel);
    const out: Record<string, boolean> = {};
    if (ch) ch.lastUsed = this.now();
    for (const id of ids) {
      const done = ch?.ids.get(id) === true;
      out[String(id)] = done;
      if (done) ch?.ids.delete(id);
    }
    return out;
  }

  /** Drops channels idle for longer than `idleMs`. */
  sweep(): void {
    const cutoff = this.now() - this.opts.idleMs;
    for (const [name, ch] of this.channels) if (ch.lastUsed < cutoff) this.channels.delete(name);
  }

  get size(): { channels: number; ids: number } {
    let ids = 0;
    for (const ch of this.channels.values()) ids += ch.ids.size;
    return { channels: this.channels.size, ids };
  }
}
