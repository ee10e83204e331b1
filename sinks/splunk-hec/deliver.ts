import type { Logger } from '../../core/telemetry/index.js';
import type { DeliverContext, DeliverFn, Outgoing, Verdict } from '../runner/index.js';
import { pool } from '../runner/pool.js';
import type { AckPoller } from './acks.js';
import { chunkLines } from './batch.js';
import { limiter } from './limit.js';
import { classifyHecResponse, transportReason, type HecVerdict } from './classify.js';
import type { HecTransport } from './client.js';
import type { HecMetadataOverrides } from './config.js';
import { encodeHecEvent } from './encode.js';

/**
 * One delivery call: encode, cut into requests, send them over the channels (at most
 * `concurrency` POSTs in flight over all calls), and wait for each request's indexer
 * acknowledgement, all of the call's together. A record is `ok` only once Splunk said its
 * ackId is true; an ackId that expires sends its request again (up to `maxResends` times within
 * the call, then the records go back to the runner as `retry`). When the collector cannot be
 * reached, or answers busy (429, 5xx), the request's records are `unavailable`, which fails the
 * call, so that a collector that is down or overloaded fills no dead letter.
 */
export interface HecDeliveryOptions {
  /** The sink id, named in every refusal reason. */
  id: string;
  transport: HecTransport;
  /** Null when the sink runs without indexer acknowledgement (a 200 is then final). */
  acks: AckPoller | null;
  /** Channel GUIDs, used in turn. */
  channels: readonly string[];
  batchMaxEvents: number;
  batchMaxBytes: number;
  concurrency: number;
  /** The sink's fixed metadata. */
  metadata: HecMetadataOverrides;
  /** A route's own metadata, over the sink's. */
  routeMetadata?: (route: string) => HecMetadataOverrides | undefined;
  /** Requests sent again within one call when their ackId expired. */
  maxResends: number;
  log: Logger;
}

interface Item {
  i: number;
  line: string;
}

export function createHecDeliver(opts: HecDeliveryOptions): DeliverFn {
  // POSTs in flight, over every call at once (the runner may deliver several chunks, and partitions, at a time).
  const posting = limiter(opts.concurrency);
  let turn = 0;
  const nextChannel = () => opts.channels[turn++ % opts.channels.length] as string;
  let warnedNoAck = false;

  return async (batch: readonly Outgoing[], ctx: DeliverContext): Promise<readonly Verdict[]> => {
    const verdicts: Verdict[] = new Array<Verdict>(batch.length);
    const set = (items: readonly Item[], v: Verdict) => {
      for (const it of items) verdicts[it.i] = v;
    };
    const refused = (reason: string) => `splunk-hec sink ${opts.id}: ${reason}`;

    async function send(items: readonly Item[]): Promise<void> {
      const body = items.map((it) => it.line).join('\n');
      for (let resend = 0; ; resend++) {
        if (ctx.signal.aborted) return set(items, { outcome: 'retry', reason: 'delivery aborted' });
        const channel = nextChannel();
        let v: HecVerdict;
        try {
          v = classifyHecResponse(await posting(() => opts.transport.sendEvents(body, channel)));
        } catch (err) {
          return set(items, { outcome: 'unavailable', reason: refused(transportReason(err)) });
        }
        switch (v.outcome) {
          case 'sent': {
            if (!opts.acks) return set(items, { outcome: 'ok' });
            if (v.ackId === undefined) {
              // The token has acknowledgement off: nothing says the events were indexed.
              if (!warnedNoAck)
                opts.log.error('the collector gave no ackId: enable indexer acknowledgement on the token, or set ack: false');
              warnedNoAck = true;
              return set(items, {
                outcome: 'reject',
                reason: refused(
                  'the collector answered without an ackId (indexer acknowledgement is off for the token; set ack: false on the sink or enable it on the token)',
                ),
              });
            }
            const acked = await opts.acks.wait(channel, v.ackId);
            if (acked === 'acked') return set(items, { outcome: 'ok' });
            if (resend >= opts.maxResends) {
              return set(items, { outcome: 'retry', reason: `ackId ${v.ackId} on channel ${channel} was not acknowledged in time` });
            }
            opts.log.warn({ ackId: v.ackId, channel, events: items.length }, 'acknowledgement expired; sending the request again');
            continue;
          }
          case 'retry':
            // 429 and 5xx are about the collector, never one event.
            return set(items, { outcome: 'unavailable', reason: refused(v.reason) });
          case 'fatal':
            opts.log.error({ reason: v.reason }, 'the collector refuses this sink');
            return set(items, { outcome: 'reject', reason: refused(v.reason) });
          case 'split':
            if (items.length === 1) return set(items, { outcome: 'reject', reason: refused(`event too large: ${v.reason}`) });
            await pool([items.slice(0, items.length >> 1), items.slice(items.length >> 1)], 2, send);
            return;
          case 'reject': {
            const bad = v.eventNumber !== undefined ? items[v.eventNumber] : items.length === 1 ? items[0] : undefined;
            if (bad) {
              verdicts[bad.i] = { outcome: 'reject', reason: refused(v.reason) };
              // The collector took none of the request: the others go again on the runner's next round.
              set(
                items.filter((it) => it !== bad),
                { outcome: 'retry', reason: `sent with a refused event: ${v.reason}` },
              );
              return;
            }
            // Which event is bad is unknown: each one alone finds out.
            await pool(
              items.map((it) => [it]),
              opts.concurrency,
              send,
            );
            return;
          }
        }
      }
    }

    const items: Item[] = batch.map((o, i) => {
      const own = opts.routeMetadata?.(o.route);
      const metadata = own ? { ...opts.metadata, ...own } : opts.metadata;
      return { i, line: encodeHecEvent(o.doc, o.topic, o.source.timestamp, metadata, o.json) };
    });
    const chunks = chunkLines(items, opts.batchMaxEvents, opts.batchMaxBytes);
    // Every request of the call is under way at once: `posting` bounds the POSTs, and the
    // acknowledgements of the requests already sent are awaited together.
    await Promise.all(chunks.map((c) => send(c.items)));
    return verdicts;
  };
}
