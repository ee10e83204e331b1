/**
 * What an endpoint's answer to one request means for its records. Pure, so that the table in
 * sink.test.ts pins every branch.
 * - 2xx: delivered.
 * - 408, 429, 5xx: unavailable for now; `Retry-After` (RFC 9110 §10.2.3: seconds or an HTTP date) says when to come back.
 * - 401, 403: the credential, not the records, was refused (rotated, expired, revoked): unavailable
 *   until an operator fixes it, instead of dead-lettering every record meanwhile.
 * An answer about the whole request says nothing of one record: `unavailable` fails the runner's
 * call, which is sent again without limit.
 * - 413 with more than one record: the request is split and sent again; one record alone is refused.
 * - any other 4xx: refused for good; the body says why (the reason of the dead letter).
 */
export type HttpVerdict =
  | { outcome: 'ok' }
  | { outcome: 'unavailable'; reason: string; retryAfterMs?: number }
  | { outcome: 'split'; reason: string }
  | { outcome: 'reject'; reason: string };

export interface HttpAnswer {
  status: number;
  body: string;
  retryAfter?: string | undefined;
}

/** Longest body quoted in a reason. */
const MAX_REASON_BODY = 512;

export function describeAnswer(a: HttpAnswer): string {
  const body = a.body.replace(/\s+/g, ' ').trim();
  return `HTTP ${a.status}${body ? `: ${body.length > MAX_REASON_BODY ? `${body.slice(0, MAX_REASON_BODY)}…` : body}` : ''}`;
}

/** `Retry-After` in ms from now, or undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function classifyAnswer(a: HttpAnswer, records: number, now = Date.now()): HttpVerdict {
  if (a.status >= 200 && a.status < 300) return { outcome: 'ok' };
  const reason = describeAnswer(a);
  if (a.status === 401 || a.status === 403) return { outcome: 'unavailable', reason };
  if (a.status === 408 || a.status === 429 || a.status >= 500 || a.status < 200) {
    const after = retryAfterMs(a.retryAfter, now);
    return after === undefined ? { outcome: 'unavailable', reason } : { outcome: 'unavailable', reason, retryAfterMs: after };
  }
  if (a.status === 413 && records > 1) return { outcome: 'split', reason };
  if (a.status >= 400) return { outcome: 'reject', reason };
  // 3xx: redirects are not followed (a POST body would be lost or re-sent elsewhere); nothing to do but wait for a fix.
  return { outcome: 'unavailable', reason };
}
