/**
 * A Splunk HEC client with indexer acknowledgement, as Splunk documents the protocol ("About HTTP
 * Event Collector Indexer Acknowledgment") and as a forwarder with `useACK` behaves under faults:
 * one channel (a GUID in `X-Splunk-Request-Channel`), events POSTed to `/services/collector/event`
 * with `Authorization: Splunk <token>`, each answer's `ackId` polled through
 * `/services/collector/ack` (`{"acks":[…]}`) until it reads true. A request whose ackId does not
 * turn true within `ackTimeoutMs`, or whose POST failed (refused, busy, connection broken), is sent
 * again, on the same channel and with the same bytes, until every event is acknowledged.
 *
 * One request at a time on the channel: a poll that overtook a POST could read the ackId the
 * POST is about to be given. A receiver that lost its state (a restart) hands out ackIds again
 * from 0, so an ackId given to a new request while an older request still waits on it means the
 * older one's will never turn true: it is sent again at once (`staleAckIds`).
 */
import { randomUUID } from 'node:crypto';

export interface HecAckSendStats {
  /** Events handed to the sender. */
  offered: number;
  /** Distinct events whose ackId read true (every one, when `send` resolved). */
  acked: number;
  /** Event POSTs answered with an ackId. */
  requests: number;
  /** Events sent again after their request got an ackId that timed out or went stale: what may repeat downstream. */
  resent: number;
  /** Events sent again after their POST failed (refused, busy, connection broken). */
  retried: number;
  /** POSTs (events or acks) that failed to connect or broke. */
  connectionFailures: number;
  /** Event POSTs refused with a non-200 answer (503 busy, …). */
  refused: number;
  /** Requests whose ackId timed out. */
  ackTimeouts: number;
  /** Requests whose ackId the receiver handed to a newer request. */
  staleAckIds: number;
}

export interface HecAckSenderOptions {
  /** `http://host:port` of the HEC input. */
  url: string;
  token: string;
  /** Events per second, offered at an even pace. */
  rate: number;
  /** Events per request at most. Default 20. */
  batch?: number;
  /** An ackId not true this long after its POST: the request is sent again. Default 5000 ms. */
  ackTimeoutMs?: number;
  /** Between ack polls. Default 100 ms. */
  pollMs?: number;
  /** Pause after a failed request. Default 250 ms. */
  retryMs?: number;
}

interface Waiting {
  seqs: number[];
  sentAt: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class HecAckSender {
  readonly channel = randomUUID();
  readonly stats: HecAckSendStats = {
    offered: 0,
    acked: 0,
    requests: 0,
    resent: 0,
    retried: 0,
    connectionFailures: 0,
    refused: 0,
    ackTimeouts: 0,
    staleAckIds: 0,
  };
  /** Index of each event → when its ackId first read true (ms since epoch). */
  readonly ackedAt = new Map<number, number>();
  private readonly batch: number;
  private readonly ackTimeoutMs: number;
  private readonly pollMs: number;
  private readonly retryMs: number;
  private readonly headers: Record<string, string>;
  private polling = true;

  constructor(private readonly opts: HecAckSenderOptions) {
    this.batch = opts.batch ?? 20;
    this.ackTimeoutMs = opts.ackTimeoutMs ?? 5000;
    this.pollMs = opts.pollMs ?? 100;
    this.retryMs = opts.retryMs ?? 250;
    this.headers = {
      Authorization: `Splunk ${opts.token}`,
      'X-Splunk-Request-Channel': this.channel,
      'Content-Type': 'application/json',
    };
  }

  /**
   * Stops polling for acks until `resumePolls` (as a client with a long poll interval does): what
   * Kafka took meanwhile is held by the receiver, not yet known to the sender.
   */
  holdPolls(): void {
    this.polling = false;
  }

  resumePolls(): void {
    this.polling = true;
  }

  /**
   * Sends `events` (each one `/event` envelope's JSON text) at `rate` per second and resolves once
   * every one was acknowledged; rejects only when `signal` aborts. Stats are live.
   */
  async send(events: readonly string[], signal?: AbortSignal): Promise<void> {
    const started = Date.now();
    /** To send (first time or again), in order. */
    const queue: number[] = [];
    /** ackId → the request waiting on it. */
    const waiting = new Map<number, Waiting>();
    let released = 0;
    let lastPost = 0;
    let lastPoll = 0;
    const requeue = (seqs: readonly number[], count: 'resent' | 'retried') => {
      for (const s of seqs) {
        if (this.ackedAt.has(s)) continue;
        queue.push(s);
        this.stats[count]++;
      }
      queue.sort((a, b) => a - b);
    };

    while (this.ackedAt.size < events.length) {
      if (signal?.aborted) throw new Error(`HEC sender aborted with ${events.length - this.ackedAt.size} unacknowledged`);
      const due = Math.min(events.length, Math.floor(((Date.now() - started) / 1000) * this.opts.rate) + 1);
      while (released < due) queue.push(released++);
      this.stats.offered = released;
      let idle = true;

      const now = Date.now();
      if (queue.length > 0 && (queue.length >= this.batch || now - lastPost >= 50)) {
        idle = false;
        lastPost = now;
        const seqs = queue.splice(0, this.batch);
        const ackId = await this.postEvents(seqs.map((s) => events[s]!).join('\n'));
        if (ackId === undefined) {
          requeue(seqs, 'retried');
          await sleep(this.retryMs);
        } else {
          this.stats.requests++;
          const stale = waiting.get(ackId);
          if (stale) {
            this.stats.staleAckIds++;
            requeue(stale.seqs, 'resent');
          }
          waiting.set(ackId, { seqs, sentAt: Date.now() });
        }
      }

      if (this.polling && waiting.size > 0 && Date.now() - lastPoll >= this.pollMs) {
        idle = false;
        lastPoll = Date.now();
        const acks = await this.pollAcks([...waiting.keys()]);
        const at = Date.now();
        for (const [id, w] of [...waiting]) {
          if (acks?.[String(id)] === true) {
            waiting.delete(id);
            for (const s of w.seqs) if (!this.ackedAt.has(s)) this.ackedAt.set(s, at);
          } else if (at - w.sentAt >= this.ackTimeoutMs) {
            this.stats.ackTimeouts++;
            waiting.delete(id);
            requeue(w.seqs, 'resent');
          }
        }
        this.stats.acked = this.ackedAt.size;
      }
      if (idle) await sleep(5);
    }
  }

  /** The request's ackId, or undefined when it must be sent again. */
  private async postEvents(body: string): Promise<number | undefined> {
    try {
      const res = await fetch(`${this.opts.url}/services/collector/event`, {
        method: 'POST',
        headers: this.headers,
        body,
        signal: AbortSignal.timeout(5000),
      });
      const reply = (await res.json()) as { code?: number; ackId?: unknown };
      if (res.status === 200 && typeof reply.ackId === 'number') return reply.ackId;
      this.stats.refused++;
      return undefined;
    } catch {
      this.stats.connectionFailures++;
      return undefined;
    }
  }

  /** The receiver's answer for `ids`, or undefined when the poll failed (they stay waiting). */
  private async pollAcks(ids: number[]): Promise<Record<string, boolean> | undefined> {
    try {
      const res = await fetch(`${this.opts.url}/services/collector/ack`, {
        method: 'POST',
        headers: this.headers,
        body: JSON.stringify({ acks: ids }),
        signal: AbortSignal.timeout(5000),
      });
      const reply = (await res.json()) as { acks?: Record<string, boolean> };
      return res.status === 200 ? reply.acks : undefined;
    } catch {
      this.stats.connectionFailures++;
      return undefined;
    }
  }
}
