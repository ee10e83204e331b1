import { isIP } from 'node:net';
import { parseTimestamp, type TimeContext } from '../parsers/datetime.js';
import { isValidTimeZone } from '../parsers/time.js';
import { ianaNumberOf, transportOf } from './vendors/util.js';
import { isoString } from '../parsers/iso.js';

export type { Conversion, FieldRule } from '../../core/event/vendor-keys.js';
import type { Conversion, FieldRule } from '../../core/event/vendor-keys.js';

/** ECS wants MACs as upper-case, hyphen-separated octets (`00-00-5E-00-53-23`). */
export function normalizeMac(v: string): string | undefined {
  const hex = v.replace(/[:.-]/g, '');
  if (!/^[0-9A-Fa-f]{12}(?:[0-9A-Fa-f]{4})?$/.test(hex)) return undefined;
  return hex.toUpperCase().match(/../g)!.join('-');
}

/**
 * Dotted-quad IPv4 as net.isIP accepts it (0–255, no leading zeros), without its regex: the
 * common case, checked first; anything else still goes to isIP.
 */
function isIPv4Dotted(v: string): boolean {
  let octets = 0;
  let i = 0;
  while (octets < 4) {
    const start = i;
    let n = 0;
    while (i < v.length && i - start < 3) {
      const c = v.charCodeAt(i);
      if (c < 0x30 || c > 0x39) break;
      n = n * 10 + (c - 0x30);
      i++;
    }
    const len = i - start;
    if (len === 0 || n > 255 || (len > 1 && v.charCodeAt(start) === 0x30)) return false;
    octets++;
    if (octets < 4) {
      if (v.charCodeAt(i) !== 0x2e) return false;
      i++;
    }
  }
  return i === v.length;
}

/** True when `v` is `min`–`max` ASCII digits (the `/^\d{min,max}$/` test, without a regex). */
function isDigits(v: string, min: number, max: number, from = 0): boolean {
  const n = v.length - from;
  if (n < min || n > max) return false;
  for (let i = from; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

export function convert(value: string, as: Conversion, time: TimeContext): unknown {
  const v = value.trim();
  if (v === '') return undefined;
  switch (as) {
    case 'keyword':
      return v;
    case 'lower':
      return v.toLowerCase();
    case 'ip':
      return isIPv4Dotted(v) || isIP(v) !== 0 ? v : undefined;
    case 'port': {
      if (!isDigits(v, 1, 5)) return undefined;
      const n = Number(v);
      return n <= 65535 ? n : undefined;
    }
    case 'long':
      return isDigits(v, 1, 15, v.charCodeAt(0) === 0x2d ? 1 : 0) ? Number(v) : undefined;
    case 'double': {
      const n = Number(v);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'date': {
      const t = parseTimestamp(v, time);
      return t === undefined ? undefined : isoString(t);
    }
    case 'mac':
      return normalizeMac(v);
    case 'transport': {
      if (isDigits(v, 1, 3)) return transportOf(Number(v));
      const t = v.toLowerCase();
      return ianaNumberOf(t) !== undefined || /^[a-z][a-z0-9-]*$/.test(t) ? t : undefined;
    }
    case 'direction01':
      // CEF deviceDirection: 0 inbound, 1 outbound (decode_cef's reading).
      return v === '0' ? 'inbound' : v === '1' ? 'outbound' : undefined;
    case 'outcome': {
      const o = v.toLowerCase();
      if (/^(success|succeeded|successful|ok|allowed?|pass(ed)?)$/.test(o)) return 'success';
      if (/^(fail(ure|ed)?|denied|deny|blocked?|rejected?|error)$/.test(o)) return 'failure';
      return o === 'unknown' ? 'unknown' : undefined;
    }
    case 'http-referrer':
      return v.startsWith('http') ? v : undefined;
    default:
      return undefined;
  }
}

/** Sets the field at `parts` (an ECS path split once, at rule compile time) on a nested object. */
function setParts(target: Record<string, unknown>, parts: readonly string[], value: unknown): void {
  let cur = target;
  const last = parts.length - 1;
  for (let i = 0; i < last; i++) {
    const p = parts[i] as string;
    const next = cur[p];
    if (typeof next === 'object' && next !== null && !Array.isArray(next)) cur = next as Record<string, unknown>;
    else {
      const created: Record<string, unknown> = {};
      cur[p] = created;
      cur = created;
    }
  }
  cur[parts[last] as string] = value;
}

/** A rule with its path split once. */
interface CompiledRule {
  as: Conversion;
  parts: readonly string[];
  array: boolean;
}

const ruleMaps = new WeakMap<object, ReadonlyMap<string, CompiledRule>>();

/** A rule table as a Map, built once per table: keyed lookups of varying keys on a large literal are slow. */
function ruleMap(rules: Readonly<Record<string, FieldRule>>): ReadonlyMap<string, CompiledRule> {
  let m = ruleMaps.get(rules);
  if (!m) {
    m = new Map(Object.entries(rules).map(([k, r]) => [k, { as: r.as, parts: r.path.split('.'), array: r.array === true }]));
    ruleMaps.set(rules, m);
  }
  return m;
}

/** Applies `rules` to `attrs` on `target`; values that do not convert are skipped. */
export function applyRules(
  target: Record<string, unknown>,
  attrs: Record<string, string>,
  rules: Readonly<Record<string, FieldRule>>,
  time: TimeContext,
): void {
  const byKey = ruleMap(rules);
  for (const key in attrs) {
    const rule = byKey.get(key);
    if (!rule) continue;
    const out = convert(attrs[key] as string, rule.as, time);
    if (out !== undefined) setParts(target, rule.parts, rule.array ? [out] : out);
  }
}

/** A device time zone field (`dtz=Europe/Berlin`) as the context for its wall times. */
export function withZone(time: TimeContext, zone: string | undefined): TimeContext {
  return zone && isValidTimeZone(zone) ? { ...time, tz: zone } : time;
}
