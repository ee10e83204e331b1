import { isObject, type Json } from '../cloud/common.js';

/** The Zeek logs Vigil maps, by the `_path` Zeek gives them. */
export const ZEEK_LOGS = ['conn', 'dns', 'http', 'ssl', 'files', 'notice', 'ssh', 'x509'] as const;
export type ZeekLog = (typeof ZEEK_LOGS)[number];

/** A field of a Zeek JSON record: `id.orig_h` as Zeek writes it (a dotted key), or nested. */
export function zeekField(r: Json, path: string): unknown {
  if (Object.hasOwn(r, path)) return r[path];
  let cur: unknown = r;
  for (const part of path.split('.')) cur = isObject(cur) && Object.hasOwn(cur, part) ? cur[part] : undefined;
  return cur;
}

const has = (r: Json, ...fields: string[]) => fields.some((f) => zeekField(r, f) !== undefined);

/**
 * Which log a record is from: its `_path` (written when Zeek's JSON writer is asked to, and by
 * most shippers), else the fields only that log has. Undefined when it is not recognisably Zeek.
 */
export function zeekLogOf(r: Json): string | undefined {
  if (r.ts === undefined || (typeof r.ts !== 'number' && typeof r.ts !== 'string')) return undefined;
  if (typeof r._path === 'string' && r._path !== '') return r._path;
  const connection = typeof r.uid === 'string' && has(r, 'id.orig_h');
  if (connection) {
    if (has(r, 'note')) return 'notice';
    if (has(r, 'conn_state', 'history', 'orig_ip_bytes')) return 'conn';
    if (has(r, 'query', 'qtype', 'trans_id', 'rcode_name')) return 'dns';
    if (has(r, 'method', 'status_code', 'trans_depth', 'uri')) return 'http';
    if (has(r, 'auth_success', 'auth_attempts', 'hassh', 'kex_alg')) return 'ssh';
    if (has(r, 'cipher', 'server_name', 'established', 'ssl_history', 'resumed')) return 'ssl';
    if (typeof r.fuid === 'string') return 'files';
    return 'unknown';
  }
  if (typeof r.fuid === 'string' && has(r, 'tx_hosts', 'rx_hosts', 'conn_uids', 'seen_bytes')) return 'files';
  if (has(r, 'certificate.serial', 'certificate.version')) return 'x509';
  if (typeof r.note === 'string' && /^\w+::\w+/.test(r.note)) return 'notice';
  return undefined;
}

/** A Zeek log record as `LogAscii::use_json=T` writes it (epoch `ts`, `uid`, `id.orig_h`, …). */
export function isZeekLog(r: Json): boolean {
  return zeekLogOf(r) !== undefined;
}
