import { isObject, str, type Json } from './cloud/common.js';
import { normalizeMac } from './fields.js';

/**
 * Helpers the network sensors' normalizers (Suricata, Zeek) share: reading a record's values
 * whatever their JSON type, and the ECS pieces both write the same way.
 */

/** A finite number from a number or a numeric string, else undefined. */
export function num(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** A non-negative integer (a port, a byte or packet count), else undefined. */
export function count(v: unknown): number | undefined {
  const n = num(v);
  return n !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** A TCP/UDP port (0–65535), else undefined. */
export function portOf(v: unknown): number | undefined {
  const n = count(v);
  return n !== undefined && n <= 65535 ? n : undefined;
}

/** The strings of a list (a lone string is a list of one), others dropped. */
export function strings(v: unknown): string[] {
  const list = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  return list.map(str).filter((s): s is string => s !== undefined);
}

/** A MAC in ECS's form (`00-0C-29-…`), else undefined. */
export function macOf(v: unknown): string | undefined {
  const s = str(v);
  return s ? normalizeMac(s) : undefined;
}

/** `true`/`false` from a boolean or its text (`T`/`F` as Zeek's ASCII logs write it), else undefined. */
export function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'T') return true;
  if (v === 'false' || v === 'F') return false;
  return undefined;
}

/** Epoch seconds (Zeek's `ts`, a float) or an ISO 8601 text with any offset (`+0000` too) → RFC 3339 UTC. */
export function timeOf(v: unknown): string | undefined {
  let ms: number | undefined;
  if (typeof v === 'number') ms = Number.isFinite(v) ? Math.floor(Math.round(v * 1e6) / 1e3) : undefined;
  else if (typeof v === 'string' && v !== '') {
    if (/^\d+(\.\d+)?$/.test(v)) return timeOf(Number(v));
    // `+0000` as Suricata writes it: Date.parse wants `+00:00`.
    const text = v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
    const zoneless = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text);
    ms = Date.parse(zoneless ? `${text}Z` : text);
  }
  if (ms === undefined || Number.isNaN(ms) || Math.abs(ms) > 8.64e15) return undefined;
  return new Date(ms).toISOString();
}

/**
 * An X.500 name as sensors print it (`CN=example.com,O=Example\, Inc.,C=US`) → its attributes,
 * each as the one-element list ECS's `x509.*` fields hold. Escaped commas are kept in the value.
 */
export function distinguishedName(v: unknown): Json {
  const s = str(v);
  if (!s) return {};
  const out: Json = {};
  const names: Record<string, string> = {
    C: 'country',
    CN: 'common_name',
    L: 'locality',
    O: 'organization',
    OU: 'organizational_unit',
    ST: 'state_or_province',
  };
  for (const part of s.split(/(?<!\\),\s*/)) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = names[part.slice(0, eq).trim()];
    const value = part
      .slice(eq + 1)
      .replace(/\\,/g, ',')
      .trim();
    if (key && value !== '' && !Object.hasOwn(out, key)) out[key] = [value];
  }
  return out;
}

/** `related.hash` / `related.hosts` merged into an event whose `related` the common builder wrote. */
export function addRelated(
  event: { related?: Json },
  extra: { hash?: Array<string | undefined>; hosts?: Array<string | undefined> },
): void {
  const related: Json = isObject(event.related) ? { ...event.related } : {};
  for (const k of ['hash', 'hosts'] as const) {
    const values = [...new Set((extra[k] ?? []).filter((x): x is string => typeof x === 'string' && x !== ''))];
    if (values.length > 0) related[k] = values;
  }
  if (Object.keys(related).length > 0) event.related = related;
}

/** `network.bytes`/`packets` as the sum of both directions, when either is known. */
export function totals(src: { bytes?: number; packets?: number }, dst: { bytes?: number; packets?: number }): Json {
  const sum = (a?: number, b?: number) => (a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0) || undefined);
  return { bytes: sum(src.bytes, dst.bytes), packets: sum(src.packets, dst.packets) };
}

/** Epoch microseconds of an ISO 8601 text (sensors write microseconds), else undefined. */
export function epochMicros(v: unknown): number | undefined {
  const iso = timeOf(v);
  if (!iso || typeof v !== 'string') return undefined;
  const frac = /\.(\d+)/.exec(v)?.[1] ?? '';
  const micros = Number(frac.padEnd(6, '0').slice(3, 6));
  return Date.parse(iso) * 1000 + micros;
}
