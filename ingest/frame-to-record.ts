import type { OutRecord } from '../core/bus/types.js';
import type { SyslogInputConfig } from './inputs/syslog/config.js';
import type { DeadLetter } from '../core/deadletter/index.js';
import { VigilError, errorMessage, type ErrorCode } from '../core/errors/index.js';
import { enrichEvent } from './enrich/geoip/enrich.js';
import { frameMarker } from './enrich/frame-marker.js';
import type { GeoipLookup } from './enrich/geoip/lookup.js';
import { enrichThreats, type FrameIntel } from './enrich/intel/frame.js';
import { normalizeRecord } from './normalize/index.js';
import { parseRecord } from './parsers/index.js';

/** A frame from a network input: the bytes of one message, or of one that failed framing. */
export type IngestFrame = { raw: Buffer; peer: string; error?: undefined } | { error: VigilError; raw: Buffer; peer: string };

export interface FrameContext {
  input: Pick<SyslogInputConfig, 'id' | 'timezone' | 'keepOriginal'>;
  receivedAt: Date;
  /** GeoIP enrichment of the event before it is serialized; its record then says so (`frameMarker`). */
  geoip?: GeoipLookup | undefined;
  /** Threat-intelligence enrichment of the event before it is serialized, against `current`; its record then says so. */
  intel?: FrameIntel['store'] | undefined;
}

/**
 * What one frame became: the Kafka record of its event (and whether GeoIP added `geo` or `as` to
 * it, and threat intelligence `threat.enrichments`), or a dead letter with its raw bytes and the reason.
 */
export type FrameResult = { ok: true; record: OutRecord; geoipAdded: boolean; intelAdded: boolean } | { ok: false; letter: DeadLetter };

/** The dead letter of a frame that made no event: its raw bytes, where it came from, and why. */
export function frameDeadLetter(f: Pick<IngestFrame, 'raw' | 'peer'>, inputId: string, code: ErrorCode, reason: string): DeadLetter {
  return { stage: 'ingest', component: inputId, code, reason, raw: f.raw, peer: f.peer };
}

function deadLetter(f: IngestFrame, ctx: FrameContext, code: ErrorCode, reason: string): FrameResult {
  return { ok: false, letter: frameDeadLetter(f, ctx.input.id, code, reason) };
}

/**
 * One frame → its event record or its dead letter. Never throws: a parser or normalizer that
 * throws on some input is a bug, and the input still becomes a dead letter instead of failing
 * the whole batch.
 */
export function ingestFrame(f: IngestFrame, ctx: FrameContext): FrameResult {
  if (f.error) return deadLetter(f, ctx, f.error.code, f.error.message);
  const { input, receivedAt } = ctx;
  let stage: 'parse' | 'normalize' = 'parse';
  try {
    const parsed = parseRecord(f.raw, { now: receivedAt, timezone: input.timezone, format: 'auto', json: false });
    if (!parsed.ok) {
      const col = parsed.error.location?.column;
      return deadLetter(f, ctx, parsed.error.code, col ? `${parsed.error.message} (column ${col})` : parsed.error.message);
    }
    stage = 'normalize';
    const event = normalizeRecord(parsed.record, {
      inputId: input.id,
      peer: f.peer,
      raw: f.raw,
      receivedAt,
      keepOriginal: input.keepOriginal,
      timezone: input.timezone,
    });
    const geoipAdded = ctx.geoip !== undefined && enrichEvent(event as unknown as Record<string, unknown>, ctx.geoip) > 0;
    const intelAdded = ctx.intel !== undefined && enrichThreats(event as unknown as Record<string, unknown>, ctx.intel.current) > 0;
    const headers = frameMarker(ctx.geoip !== undefined, ctx.intel !== undefined);
    return {
      ok: true,
      geoipAdded,
      intelAdded,
      record: {
        // What is correlated together (one host's lines) lands on one partition, in order.
        key: event.host?.name ?? f.peer,
        // Always ECS: rules and the Elasticsearch template read vigil.events as ECS.
        value: JSON.stringify(event),
        // Receive time, not event time: retention must not drop a late or mis-dated line at once.
        timestamp: receivedAt.getTime(),
        ...(headers && { headers }),
      },
    };
  } catch (err) {
    return deadLetter(f, ctx, stage === 'parse' ? 'PARSE_FAILED' : 'NORMALIZE_FAILED', errorMessage(err));
  }
}
