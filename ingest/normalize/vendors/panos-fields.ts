import { parseTimestamp } from '../../parsers/datetime.js';
import { isoString } from '../../parsers/iso.js';
import type { VendorContext, VendorFields } from './types.js';
import { compact, deepMerge, ip, port } from './util.js';

/** The columns every PAN-OS syslog log type opens with (0-based). */
export const HEADER = { serial: 2, type: 3, subtype: 4, generatedTime: 6 } as const;

export const merge = (...parts: VendorFields[]): VendorFields => parts.reduce((a, b) => deepMerge(a, b), {});

/** The column's text, undefined when it is missing or empty. */
export const at = (f: readonly string[], i: number): string | undefined => {
  const v = f[i];
  return v === undefined || v === '' ? undefined : v;
};

/** `CORP\\alice`, `alice@corp.example` or `alice` → name and domain. */
export function panUser(raw: string | undefined): { name: string; domain?: string } | undefined {
  if (!raw) return undefined;
  const slash = raw.lastIndexOf('\\');
  if (slash > 0) return { domain: raw.slice(0, slash).replace(/\\+$/, ''), name: raw.slice(slash + 1) };
  const at = raw.indexOf('@');
  if (at > 0) return { name: raw.slice(0, at), domain: raw.slice(at + 1) };
  return { name: raw };
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/;

/**
 * The high-resolution timestamp column of PAN-OS 10.0 and later (`2026-11-20T09:14:03.123+01:00`),
 * which Elastic's pipeline takes for `@timestamp` when the line has one. Logs of PAN-OS 9.1 and
 * earlier firewalls, forwarded by a newer Panorama, carry a placeholder there
 * (`1969-12-31T16:00:00.000-08:00`) that Elastic ignores, as Vigil does. A column that is not an
 * ISO 8601 time (an older or custom layout) is ignored too.
 */
function highResolution(v: string | undefined, ctx: VendorContext): number | undefined {
  if (v === undefined || !ISO_8601.test(v) || v.startsWith('1969') || v.startsWith('1970')) return undefined;
  return parseTimestamp(v, ctx.time);
}

/**
 * What every log type carries: the observer, the time, the dataset. The time is the
 * high-resolution timestamp at column `highRes` when the line has one, else the generated time
 * (the firewall's wall clock, in the input's zone).
 */
export function common(f: readonly string[], ctx: VendorContext, deviceName: number, highRes?: number): VendorFields {
  const t =
    (highRes !== undefined ? highResolution(f[highRes], ctx) : undefined) ?? parseTimestamp(f[HEADER.generatedTime] ?? '', ctx.time);
  const host = at(f, deviceName);
  return compact({
    related: host ? { hosts: [host] } : undefined,
    ...(t !== undefined ? { '@timestamp': isoString(t) } : {}),
    observer: {
      vendor: 'Palo Alto Networks',
      product: 'PAN-OS',
      type: 'firewall',
      serial_number: at(f, HEADER.serial),
      hostname: host,
    },
    event: { module: 'panw', dataset: 'panw.panos' },
  }) as VendorFields;
}

/** The session actions Elastic's pipeline files as `allowed` and as `denied`. */
export const ALLOWED = new Set(['alert', 'allow', 'continue']);
const DENIED = new Set([
  'deny',
  'drop',
  'reset-client',
  'reset-server',
  'reset-both',
  'block-url',
  'block-ip',
  'random-drop',
  'sinkhole',
  'block',
]);

/** `allowed` / `denied` from the session's action, as Elastic's pipeline appends them. */
export function verdict(action: string): string[] {
  return ALLOWED.has(action) ? ['allowed'] : DENIED.has(action) ? ['denied'] : [];
}

/** A NAT column pair: kept unless it says no translation (`0.0.0.0` and port 0), as Elastic does. */
export function nat(addr: string | undefined, p: string | undefined): Record<string, unknown> | undefined {
  const a = ip(addr);
  const n = port(p);
  if (!a || (a === '0.0.0.0' && (n === undefined || n === 0))) return undefined;
  return compact({ ip: a, port: n });
}
