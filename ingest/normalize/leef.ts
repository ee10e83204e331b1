import type { EcsEvent } from '../../core/event/index.js';
import { parseJavaDate, parseTimestamp, type TimeContext } from '../parsers/datetime.js';
import type { LeefRecord } from '../parsers/leef.js';
import { LEEF_TO_ECS } from '../../core/event/vendor-keys.js';
import { applyRules } from './fields.js';
import { isoString } from '../parsers/iso.js';

export { LEEF_TO_ECS };

/**
 * `devTime` read with `devTimeFormat` (a Java date pattern) when given; otherwise epoch
 * milliseconds or LEEF's default `MMM dd yyyy HH:mm:ss` (with optional `.SSS` and zone).
 */
export function leefTime(attrs: Record<string, string>, time: TimeContext): number | undefined {
  const v = attrs.devTime;
  if (v === undefined) return undefined;
  const fmt = attrs.devTimeFormat;
  if (fmt) {
    const t = parseJavaDate(v, fmt, time);
    if (t !== undefined) return t;
  }
  return parseTimestamp(v, time);
}

/** A LEEF record → the ECS fields it defines (merged over the syslog base by the caller). */
export function leefToEcs(leef: LeefRecord, time: TimeContext): Partial<EcsEvent> {
  const out: Record<string, unknown> = {};
  const observer: Record<string, unknown> = {};
  if (leef.vendor) observer.vendor = leef.vendor;
  if (leef.product) observer.product = leef.product;
  if (leef.productVersion) observer.version = leef.productVersion;
  if (Object.keys(observer).length > 0) out.observer = observer;
  const event: Record<string, unknown> = {};
  if (leef.eventId) event.code = leef.eventId;
  out.event = event;
  const t = leefTime(leef.attributes, time);
  if (t !== undefined) out['@timestamp'] = isoString(t);
  applyRules(out, leef.attributes, LEEF_TO_ECS, time);
  const a = leef.attributes;
  const login = a.isLoginEvent?.toLowerCase() === 'true';
  const logout = a.isLogoutEvent?.toLowerCase() === 'true';
  if (login || logout) Object.assign(event, { category: ['authentication'], type: [login ? 'start' : 'end'] });
  out.vigil = {
    leef: {
      version: leef.version,
      vendor: leef.vendor,
      product: leef.product,
      product_version: leef.productVersion,
      event_id: leef.eventId,
      attributes: leef.attributes,
    },
  };
  return out as Partial<EcsEvent>;
}
