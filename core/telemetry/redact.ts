/**
 * What stands in for a secret wherever one is removed: logs, the audit trail, stored run state.
 * One string, so that an operator can search for it.
 */
export const REDACTED = '[REDACTED]';

/**
 * Field names whose value is a credential, compared lowercased with `-` and `_` removed, so that
 * `apiKey`, `api_key` and `x-api-key` are one name. A name ending in one of `SENSITIVE_SUFFIXES`
 * counts too (`accessToken`, `client_secret`, `db_password`).
 */
const SENSITIVE_NAMES = new Set(['authorization', 'proxyauthorization', 'cookie', 'setcookie', 'pass', 'passwd', 'pwd', 'credentials']);
const SENSITIVE_SUFFIXES = ['password', 'secret', 'token', 'apikey', 'privatekey', 'sessionid'];

/** Whether a field of this name holds a credential. */
export function isSensitiveKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_]/g, '');
  return SENSITIVE_NAMES.has(k) || SENSITIVE_SUFFIXES.some((s) => k.endsWith(s));
}

/**
 * A copy of `value` in which every field named like a credential (see `isSensitiveKey`), at any
 * depth, holds `REDACTED` instead of its value. Objects and arrays under such a name are
 * replaced whole; `null`, `undefined` and booleans (flags such as `has_password`) are kept.
 */
export function redactSensitiveKeys<T>(value: T): T {
  return walk(value) as T;
}

/**
 * Copies plain objects and arrays only: an Error, a Date or a Buffer is returned as it is, since
 * copying its own enumerable fields would lose the rest (an Error's message and stack).
 */
function walk(v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = v.map(walk);
    return items.some((item, i) => item !== v[i]) ? items : v;
  }
  if (!isPlainObject(v)) return v;
  let out: Record<string, unknown> | undefined;
  for (const [k, item] of Object.entries(v)) {
    const next = item !== null && item !== undefined && typeof item !== 'boolean' && isSensitiveKey(k) ? REDACTED : walk(item);
    // Copy on the first change only: most log objects and results hold no credential.
    if (next !== item) out ??= { ...v };
    if (out) out[k] = next;
  }
  return out ?? v;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}
