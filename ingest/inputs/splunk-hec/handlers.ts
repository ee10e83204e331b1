import type { OutRecord, Publisher } from '../../../core/bus/types.js';
import type { SplunkHecInputConfig } from './config.js';
import { sendDeadLetters, type DeadLetter } from '../../../core/deadletter/index.js';
import { errorMessage } from '../../../core/errors/index.js';
import { metrics, type Logger } from '../../../core/telemetry/index.js';
import { normalizeSplunk, parseEpochSeconds, type SplunkMeta, type SplunkRecord } from '../../normalize/splunk.js';
import { encodeSignature, S2sDecoder, SIGNATURE_BYTES, pairText } from '../../framing/s2s.js';
import { S2sAssembler } from '../../parsers/s2s-records.js';
import { frameMarker } from '../../enrich/frame-marker.js';
import { enrichEvent } from '../../enrich/geoip/enrich.js';
import type { FrameGeoip } from '../../enrich/geoip/frame.js';
import { enrichThreats, type FrameIntel } from '../../enrich/intel/frame.js';
import { AckRegistry } from './acks.js';
import { hecEventRecord } from './record.js';
import { CHANNEL_RE, type ResolvedToken } from './config.js';
import { tokenTable } from './tokens.js';
import { decodeEvents, decodeRaw } from './decode.js';
import { HecError, NOT_FOUND, reply, type HecCodeName, type HecReply } from './errors.js';

/** The endpoints, by what they do. */
export type Route = 'event' | 'raw' | 'health' | 'ack' | 's2s';

const ROUTES: Record<string, Route> = {
  '/services/collector': 'event',
  '/services/collector/1.0': 'event',
  '/services/collector/event': 'event',
  '/services/collector/event/1.0': 'event',
  '/services/collector/raw': 'raw',
  '/services/collector/raw/1.0': 'raw',
  '/services/collector/health': 'health',
  '/services/collector/health/1.0': 'health',
  '/services/collector/ack': 'ack',
  '/services/collector/ack/1.0': 'ack',
  // A universal forwarder's [httpout] posts cooked S2S payloads here.
  '/services/collector/s2s': 's2s',
};

export function routeOf(pathname: string): Route | undefined {
  return ROUTES[pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname];
}

/** What the HTTP layer hands over: headers parsed, body read and decompressed. */
export interface HecRequest {
  route: Route;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  peer: string;
}

export interface HecDeps {
  publisher: Publisher;
  eventsTopic: string;
  deadletterTopic: string;
  /** GeoIP enrichment of each event as it is built (ingest/enrich/geoip/frame.ts). */
  geoip?: Pick<FrameGeoip, 'lookup'> | undefined;
  /** Threat-intelligence enrichment of each event as it is built (ingest/enrich/intel/frame.ts). */
  intel?: Pick<FrameIntel, 'store'> | undefined;
  now?: () => Date;
}

/** The counters the enrichment steps count under (ingest/enrich/geoip/step.ts, ingest/enrich/intel/step.ts). */
const GEOIP_LABELS = { kind: 'enrich', id: 'geoip' } as const;
const INTEL_LABELS = { kind: 'intel', id: 'enrich' } as const;

/** An authenticated request: its token and channel. */
export interface Authorized {
  token: ResolvedToken;
  channel?: string;
}

export interface HecHandlers {
  /** Checks token and channel before the body is read; a reply means "refused". */
  authorize(req: HecRequest): Authorized | HecReply;
  /** Handles an authorized request's body. */
  handle(req: HecRequest, auth: Authorized, body: Buffer): Promise<HecReply>;
  health(): HecReply;
  /** True while more events are in flight than `maxPendingEvents`. */
  busy(): boolean;
  /** Waits for every publish in flight (acknowledged requests included). */
  drain(): Promise<void>;
  readonly acks: AckRegistry;
  stop(): void;
}

const header = (req: HecRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export function createHecHandlers(cfg: SplunkHecInputConfig, deps: HecDeps, log: Logger): HecHandlers {
  const now = deps.now ?? (() => new Date());
  const tokens = tokenTable(cfg);
  const labels = { kind: 'input', id: cfg.id } as const;
  const acks = new AckRegistry({
    maxPerChannel: cfg.ackMaxPerChannel,
    maxChannels: cfg.ackMaxChannels,
    idleMs: cfg.ackIdleTimeoutSeconds * 1000,
  });
  const sweeper = setInterval(() => acks.sweep(), Math.min(cfg.ackIdleTimeoutSeconds * 1000, 60_000));
  sweeper.unref();
  const inFlight = new Set<Promise<void>>();
  let pendingEvents = 0;

  const refuse = (name: HecCodeName, peer: string, why: string): HecReply => {
    metrics.errors.inc({ ...labels, code: 'HEC_REJECTED' });
    log.warn({ peer, code: name }, why);
    return reply(name);
  };

  function authorize(req: HecRequest): Authorized | HecReply {
    let value: string | undefined;
    const queryToken = req.query.get('token');
    if (queryToken !== null) {
      if (!cfg.allowQueryStringToken) return refuse('QUERY_STRING_AUTH', req.peer, 'token in the query string refused');
      value = queryToken;
    } else {
      const auth = header(req, 'authorization');
      if (auth === undefined || auth.trim() === '') return refuse('TOKEN_REQUIRED', req.peer, 'request without a token');
      const m = /^(\S+)\s+(\S+)\s*$/.exec(auth);
      const scheme = m?.[1]?.toLowerCase();
      if (scheme === 'splunk') value = m?.[2];
      else if (scheme === 'basic') {
        // Splunk takes the token as the Basic password (any user name).
        const decoded = Buffer.from(m?.[2] ?? '', 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        value = colon === -1 ? undefined : decoded.slice(colon + 1);
      }
      if (!value) return refuse('INVALID_AUTHORIZATION', req.peer, 'malformed Authorization header');
    }
    const token = tokens.find(value);
    if (!token) return refuse('INVALID_TOKEN', req.peer, 'unknown token');
    if (token.disabled) return refuse('TOKEN_DISABLED', req.peer, `disabled token ${token.label}`);

    const channel = header(req, 'x-splunk-request-channel') ?? req.query.get('channel') ?? undefined;
    if (req.route === 'ack' && !token.ack) return reply('ACK_DISABLED');
    if (token.ack) {
      if (channel === undefined || channel === '') return reply('CHANNEL_MISSING');
      if (!CHANNEL_RE.test(channel)) return reply('INVALID_CHANNEL');
    }
    return { token, ...(channel ? { channel } : {}) };
  }

  /** Token defaults, then the token's index list (code 7). */
  function applyToken(meta: SplunkMeta, token: ResolvedToken, n: number | undefined): SplunkMeta {
    const out: SplunkMeta = { ...meta };
    if (out.index === undefined && token.index !== undefined) out.index = token.index;
    if (out.sourcetype === undefined && token.sourcetype !== undefined) out.sourcetype = token.sourcetype;
    if (out.source === undefined && token.source !== undefined) out.source = token.source;
    if (token.indexes && out.index !== undefined && out.index !== token.index && !token.indexes.includes(out.index)) {
      throw new HecError('INCORRECT_INDEX', `index "${out.index}" is not allowed for ${token.label}`, n);
    }
    return out;
  }

  /**
   * Normalizes and publishes; resolves once Kafka acknowledged every event and every dead letter.
   * An event that cannot be normalized is dead-lettered, not failed with the batch: failing it
   * would answer 503 (or leave its ackId false) and the sender would resend it forever.
   */
  async function publish(records: SplunkRecord[], peer: string, channel: string | undefined): Promise<void> {
    const stop = metrics.latency.startTimer(labels);
    const receivedAt = now();
    const out: OutRecord[] = [];
    const letters: DeadLetter[] = [];
    const ctx = { inputId: cfg.id, peer, receivedAt, keepOriginal: cfg.keepOriginal, ...(channel !== undefined ? { channel } : {}) };
    // Enriched here, on the event object, and marked: the enrichment publisher then passes the
    // record by instead of parsing and serializing every event again.
    const geoip = deps.geoip?.lookup;
    const intel = deps.intel?.store.current;
    const headers = frameMarker(geoip !== undefined, intel !== undefined);
    let geoipAdded = 0;
    let intelAdded = 0;
    for (const r of records) {
      try {
        const event = normalizeSplunk(r, ctx);
        if (geoip && enrichEvent(event as unknown as Record<string, unknown>, geoip) > 0) geoipAdded++;
        if (intel && enrichThreats(event as unknown as Record<string, unknown>, intel) > 0) intelAdded++;
        const record = hecEventRecord(event, r.eventText, peer, receivedAt);
        out.push(headers ? { ...record, headers } : record);
      } catch (err) {
        metrics.errors.inc({ ...labels, code: 'NORMALIZE_FAILED' });
        letters.push({
          stage: 'ingest',
          component: cfg.id,
          code: 'NORMALIZE_FAILED',
          reason: `event could not be normalized: ${errorMessage(err)}`,
          raw: r.identity,
          peer,
        });
      }
    }
    try {
      await Promise.all([
        out.length > 0 ? deps.publisher.send(deps.eventsTopic, out) : Promise.resolve(),
        sendDeadLetters(deps.publisher, deps.deadletterTopic, letters),
      ]);
    } finally {
      stop();
    }
    metrics.sent.inc(labels, out.length);
    if (geoipAdded > 0) metrics.sent.inc(GEOIP_LABELS, geoipAdded);
    if (intelAdded > 0) metrics.sent.inc(INTEL_LABELS, intelAdded);
  }

  /** Tracks a publish for `drain` and the pending-events bound. */
  function track(records: SplunkRecord[], peer: string, channel: string | undefined): Promise<void> {
    pendingEvents += records.length;
    const p = publish(records, peer, channel).finally(() => {
      pendingEvents -= records.length;
      inFlight.delete(p);
    });
    inFlight.add(p);
    return p;
  }

  async function deliver(records: SplunkRecord[], req: HecRequest, auth: Authorized): Promise<HecReply> {
    metrics.received.inc(labels, records.length);
    if (auth.token.ack) {
      const channel = auth.channel as string;
      const ackId = acks.open(channel);
      if (ackId === 'busy') return reply('SERVER_BUSY');
      track(records, req.peer, channel).then(
        () => acks.settle(channel, ackId, true),
        (err: unknown) => {
          acks.settle(channel, ackId, false);
          metrics.errors.inc({ ...labels, code: 'SERVICE_UNAVAILABLE' });
          log.error(
            { err: errorMessage(err), peer: req.peer, ackId, events: records.length },
            'HEC batch not published; its ackId stays false',
          );
        },
      );
      return reply('SUCCESS', { ackId });
    }
    try {
      await track(records, req.peer, auth.channel);
      return reply('SUCCESS');
    } catch (err) {
      // Not durable: tell the client to retry (Splunk's 503 "Server is busy").
      metrics.errors.inc({ ...labels, code: 'SERVICE_UNAVAILABLE' });
      log.error({ err: errorMessage(err), peer: req.peer, events: records.length }, 'HEC batch not published');
      return reply('SERVER_BUSY');
    }
  }

  /** A body refused for its data: dead-lettered whole (nothing of it was published), then Splunk's reply. */
  async function reject(err: HecError, req: HecRequest, body: Buffer): Promise<HecReply> {
    const r = err.reply();
    const letter: DeadLetter = {
      stage: 'ingest',
      component: cfg.id,
      code: 'HEC_REJECTED',
      reason: `${String(r.body.text)} (code ${String(r.body.code)}${err.eventNumber === undefined ? '' : `, event ${err.eventNumber}`}): ${err.message}`,
      raw: body,
      peer: req.peer,
    };
    metrics.errors.inc({ ...labels, code: 'HEC_REJECTED' });
    try {
      await sendDeadLetters(deps.publisher, deps.deadletterTopic, [letter]);
    } catch (e) {
      log.error({ err: errorMessage(e), peer: req.peer }, 'dead letter not published');
      return reply('SERVER_BUSY');
    }
    return r;
  }

  function eventRecords(body: Buffer, token: ResolvedToken): SplunkRecord[] {
    return decodeEvents(body).map((env, n) => ({
      event: env.event,
      ...(env.time !== undefined ? { time: env.time } : {}),
      meta: applyToken(env.meta, token, n),
      identity: env.text,
      ...(env.eventText !== undefined ? { eventText: env.eventText } : {}),
    }));
  }

  function rawRecords(body: Buffer, req: HecRequest, token: ResolvedToken): SplunkRecord[] {
    const lines = decodeRaw(body);
    if (lines.length === 0) throw new HecError('NO_DATA', 'the body holds no line');
    const q = (k: string) => req.query.get(k) || undefined;
    const meta = applyToken(
      {
        ...(q('host') ? { host: q('host') } : {}),
        ...(q('source') ? { source: q('source') } : {}),
        ...(q('sourcetype') ? { sourcetype: q('sourcetype') } : {}),
        ...(q('index') ? { index: q('index') } : {}),
      },
      token,
      undefined,
    );
    let time: number | undefined;
    if (q('time') !== undefined) {
      time = parseEpochSeconds(q('time'));
      if (time === undefined) throw new HecError('INVALID_DATA_FORMAT', '"time" must be epoch seconds');
    }
    const prefix = `${meta.index ?? ''}|${meta.host ?? ''}|${meta.source ?? ''}|${meta.sourcetype ?? ''}|${time ?? ''}|`;
    return lines.map((line) => ({ event: line, ...(time !== undefined ? { time } : {}), meta, identity: prefix + line }));
  }

  /** Cooked S2S messages over HTTP ([httpout]); the hello is optional. */
  function s2sRecords(body: Buffer, token: ResolvedToken): SplunkRecord[] {
    const decoder = new S2sDecoder({ maxMessageBytes: cfg.maxBodyBytes });
    const hasHello = body.subarray(0, 20).toString('latin1').startsWith('--splunk-cooked-mode');
    if (!hasHello) decoder.push(encodeSignature({ serverName: 'httpout', mgmtPort: '0' }));
    const assembler = new S2sAssembler(cfg.maxBodyBytes);
    const records: SplunkRecord[] = [];
    for (const d of decoder.push(body)) {
      if (d.kind === 'error') throw new HecError('INVALID_DATA_FORMAT', d.error.message);
      if (d.kind !== 'message' || pairText(d.message, '__s2s_capabilities') !== undefined) continue;
      records.push(...assembler.push(d.message));
    }
    if (decoder.buffered > 0) throw new HecError('INVALID_DATA_FORMAT', `the body ends inside an S2S message (${decoder.buffered} bytes)`);
    records.push(...assembler.end());
    if (records.length === 0 && body.length <= (hasHello ? SIGNATURE_BYTES : 0)) throw new HecError('NO_DATA', 'the body holds no message');
    return records.map((r) => ({ ...r, meta: applyToken(r.meta, token, undefined) }));
  }

  async function handle(req: HecRequest, auth: Authorized, body: Buffer): Promise<HecReply> {
    if (req.route === 'ack') return ackQuery(body, auth);
    if (body.length === 0) return reply('NO_DATA');
    let records: SplunkRecord[];
    try {
      if (req.route === 'event') records = eventRecords(body, auth.token);
      else if (req.route === 'raw') records = rawRecords(body, req, auth.token);
      else if (req.route === 's2s') records = s2sRecords(body, auth.token);
      else return NOT_FOUND;
    } catch (err) {
      if (err instanceof HecError) return reject(err, req, body);
      throw err;
    }
    // An [httpout] body may hold only control messages: nothing to publish, still a success.
    if (records.length === 0) return reply('SUCCESS');
    return deliver(records, req, auth);
  }

  function ackQuery(body: Buffer, auth: Authorized): HecReply {
    let ids: unknown;
    try {
      ids = (JSON.parse(body.toString('utf8')) as { acks?: unknown }).acks;
    } catch {
      return reply('INVALID_DATA_FORMAT');
    }
    if (!Array.isArray(ids) || !ids.every((id) => Number.isSafeInteger(id) && (id as number) >= 0)) return reply('INVALID_DATA_FORMAT');
    return { status: 200, body: { acks: acks.query(auth.channel as string, ids as number[]) } };
  }

  return {
    authorize,
    handle,
    health: () => (pendingEvents > cfg.maxPendingEvents ? reply('UNHEALTHY_QUEUES_FULL') : reply('HEALTHY')),
    busy: () => pendingEvents > cfg.maxPendingEvents,
    async drain() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    acks,
    stop: () => clearInterval(sweeper),
  };
}
