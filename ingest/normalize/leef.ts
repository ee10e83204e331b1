import type { EcsEvent } from '../../core/event/index.js';
import { parseJavaDate, parseTimestamp, type TimeContext } from '../parsers/datetime.js';
import type { LeefRecord } from '../parsers/leef.js';
import { applyRules, type FieldRule } from './fields.js';
import { isoString } from '../parsers/iso.js';

/**
 * Vigil's LEEF → ECS mapping. IBM defines LEEF's predefined attributes (QRadar "LEEF event
 * components") but no ECS mapping exists, so this table is ours; README.md beside this file lists
 * it. Attributes without a row stay in `vigil.leef.attributes`.
 */
// prettier-ignore
export const LEEF_TO_ECS: Readonly<Record<string, FieldRule>> = {
  src: { path: 'source.ip', as: 'ip' },
  dst: { path: 'destination.ip', as: 'ip' },
  srcPort: { path: 'source.port', as: 'port' },
  dstPort: { path: 'destination.port', as: 'port' },
  srcPostNAT: { path: 'source.nat.ip', as: 'ip' },
  dstPostNAT: { path: 'destination.nat.ip', as: 'ip' },
  srcPostNATPort: { path: 'source.nat.port', as: 'port' },
  dstPostNATPort: { path: 'destination.nat.port', as: 'port' },
  srcMAC: { path: 'source.mac', as: 'mac' },
  dstMAC: { path: 'destination.mac', as: 'mac' },
  srcBytes: { path: 'source.bytes', as: 'long' },
  dstBytes: { path: 'destination.bytes', as: 'long' },
  srcPackets: { path: 'source.packets', as: 'long' },
  dstPackets: { path: 'destination.packets', as: 'long' },
  totalPackets: { path: 'network.packets', as: 'long' },
  proto: { path: 'network.transport', as: 'transport' },
  usrName: { path: 'user.name', as: 'keyword' },
  accountName: { path: 'user.name', as: 'keyword' },
  domain: { path: 'user.domain', as: 'keyword' },
  identGrpName: { path: 'group.name', as: 'keyword' },
  groupID: { path: 'group.id', as: 'keyword' },
  identHostName: { path: 'host.hostname', as: 'keyword' },
  url: { path: 'url.original', as: 'keyword' },
  policy: { path: 'rule.name', as: 'keyword' },
  cat: { path: 'event.action', as: 'keyword' },
  sev: { path: 'event.severity', as: 'long' },
  role: { path: 'user.roles', as: 'keyword', array: true },
};

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
