import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { LocalHttpServer } from './local-http.js';

/**
 * A local HTTP Event Collector that behaves as Splunk documents it ("Troubleshoot HTTP Event
 * Collector", "About HTTP Event Collector Indexer Acknowledgment"): a wrong token gets 403 code 4,
 * a body that is not event JSON gets 400 code 6 with `invalid-event-number`, a busy server 503
 * code 9; with acknowledgement each request gets an ackId per channel, `/services/collector/ack`
 * answers true once the events are "indexed", and an ackId can expire (always false), after which
 * the client must resend.
 */
export interface HecStandInEvent {
  channel: string;
  ackId: number;
  event: Record<string, unknown>;
}

export class HecStandIn extends LocalHttpServer {
  readonly indexed: HecStandInEvent[] = [];
  readonly requests: Array<{ path: string; gzip: boolean; channel: string | undefined; status: number }> = [];
  /** The next n event requests answer 503 "Server is busy". */
  busy = 0;
  /** The next n ackIds handed out never turn true (they expired on the indexer). */
  expire = 0;
  /** Polls an ackId stays false before it turns true (indexing takes a while). */
  ackDelayPolls = 1;
  /** Events this collector refuses as invalid data (400 code 6), as Splunk does for a malformed one. */
  refuse: (envelope: Record<string, unknown>) => boolean = () => false;
  private readonly channels = new Map<
    string,
    { next: number; pending: Map<number, { polls: number; expired: boolean; events: HecStandInEvent[] }> }
  >();

  constructor(private readonly token: string) {
    super();
  }

  protected answer(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
    const url = new URL(req.url ?? '/', this.base);
    const channel = (req.headers['x-splunk-request-channel'] as string | undefined) ?? url.searchParams.get('channel') ?? undefined;
    const gzip = req.headers['content-encoding'] === 'gzip';
    const send = (status: number, body: Record<string, unknown>) => {
      this.requests.push({ path: url.pathname, gzip, channel, status });
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Splunk ${this.token}`) return send(403, { text: 'Invalid token', code: 4 });
    if (!channel) return send(400, { text: 'Data channel is missing', code: 10 });
    const ch = this.channels.get(channel) ?? { next: 0, pending: new Map() };
    this.channels.set(channel, ch);

    if (url.pathname === '/services/collector/ack') {
      const ids = (JSON.parse(raw.toString('utf8')) as { acks: number[] }).acks;
      const acks: Record<string, boolean> = {};
      for (const id of ids) {
        const p = ch.pending.get(id);
        if (p && !p.expired && p.polls++ >= this.ackDelayPolls) {
          acks[id] = true;
          ch.pending.delete(id);
          this.indexed.push(...p.events);
        } else acks[id] = false;
      }
      return send(200, { acks });
    }
    if (url.pathname !== '/services/collector/event') return send(404, { text: 'Not found', code: 404 });
    if (this.busy > 0) {
      this.busy--;
      return send(503, { text: 'Server is busy', code: 9 });
    }
    const text = (gzip ? gunzipSync(raw) : raw).toString('utf8');
    if (text.trim() === '') return send(400, { text: 'No data', code: 5 });
    const events: Record<string, unknown>[] = [];
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      let e: unknown;
      try {
        e = JSON.parse(lines[i] as string);
      } catch {
        e = undefined;
      }
      const ev = e as Record<string, unknown> | undefined;
      if (!ev || typeof ev !== 'object' || ev.event === undefined || ev.event === '' || this.refuse(ev)) {
        return send(400, { text: 'Invalid data format', code: 6, 'invalid-event-number': i });
      }
      events.push(ev);
    }
    const ackId = ch.next++;
    const expired = this.expire > 0;
    if (expired) this.expire--;
    ch.pending.set(ackId, { polls: 0, expired, events: events.map((event) => ({ channel, ackId, event })) });
    send(200, { text: 'Success', code: 0, ackId });
  }
}
