/**
 * What a collector's answer to one request means for its events. Splunk documents the codes in
 * "Troubleshoot HTTP Event Collector" (the table ingest/inputs/splunk-hec/errors.ts quotes):
 * 503 / code 9 "Server is busy" and code 18 "queues are full" are retried; 401 / 403 (token
 * missing, invalid or disabled) stop the sink, since no event can get through; 400 "Invalid data
 * format" and its siblings refuse the data, naming the bad event in `invalid-event-number`.
 */
export type HecVerdict =
  | { outcome: 'sent'; ackId?: number }
  | { outcome: 'retry'; reason: string }
  /** The data was refused: `eventNumber` (0-based) is the bad event, the others may be sent again. */
  | { outcome: 'reject'; reason: string; eventNumber?: number }
  /** Too large for the collector: split, or dead-letter a single event. */
  | { outcome: 'split'; reason: string }
  /** Nothing this sink sends can succeed (bad token, acknowledgement off for the token). */
  | { outcome: 'fatal'; reason: string };

export interface HecResponse {
  status: number;
  body: unknown;
}

function field(body: unknown, key: string): unknown {
  return body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
}

function describe(r: HecResponse): string {
  const text = field(r.body, 'text');
  const code = field(r.body, 'code');
  return `HTTP ${r.status}${typeof code === 'number' ? ` code ${code}` : ''}${typeof text === 'string' ? ` (${text})` : ''}`;
}

/** Codes whose 400 is about our settings, not the data: channel missing/invalid, acknowledgement disabled. */
const SETTINGS_CODES = new Set([10, 11, 14]);

export function classifyHecResponse(r: HecResponse): HecVerdict {
  const code = field(r.body, 'code');
  if (r.status >= 200 && r.status < 300 && (code === undefined || code === 0)) {
    const ackId = field(r.body, 'ackId');
    return typeof ackId === 'number' ? { outcome: 'sent', ackId } : { outcome: 'sent' };
  }
  const reason = describe(r);
  if (r.status === 401 || r.status === 403) return { outcome: 'fatal', reason: `the collector refused the token: ${reason}` };
  if (r.status === 413) return { outcome: 'split', reason };
  if (r.status === 400) {
    if (typeof code === 'number' && SETTINGS_CODES.has(code)) return { outcome: 'fatal', reason };
    const n = field(r.body, 'invalid-event-number');
    return typeof n === 'number' && Number.isInteger(n) && n >= 0
      ? { outcome: 'reject', reason, eventNumber: n }
      : { outcome: 'reject', reason };
  }
  // 429, 5xx (busy, queues full, internal error), and anything else unexpected: try again later.
  return { outcome: 'retry', reason };
}

/** A transport failure (refused, reset, timeout) is always worth another try. */
export function classifyTransportError(err: unknown): HecVerdict {
  return { outcome: 'retry', reason: transportReason(err) };
}

export function transportReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return `request failed: ${e?.code ?? ''} ${e?.message ?? String(err)}`.replace(/\s+/g, ' ').trim();
}
