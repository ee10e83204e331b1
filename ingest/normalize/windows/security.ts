import type { WinEvent } from './record.js';
import type { Mapping } from './mapping.js';
import { SECURITY_EVENTS } from './security-events.js';

export { baseName, val, type Mapping } from './mapping.js';
export { SECURITY_EVENTS } from './security-events.js';

/** The mapping of a Security channel event, or undefined for an id Vigil does not map. */
export function securityMapping(e: WinEvent): Mapping | undefined {
  return Object.hasOwn(SECURITY_EVENTS, e.eventId) ? SECURITY_EVENTS[e.eventId] : undefined;
}

/**
 * `event.outcome` from the audit keywords, as Winlogbeat derives it: `Audit Success` / `Audit
 * Failure` by name (Winlogbeat) or by bit (evtx: 0x0020000000000000 success, 0x0010000000000000
 * failure, winmeta.xml's WINEVENT_KEYWORD_AUDIT_*).
 */
export function auditOutcome(keywords: string | undefined): 'success' | 'failure' | undefined {
  if (!keywords) return undefined;
  if (/audit failure/i.test(keywords)) return 'failure';
  if (/audit success/i.test(keywords)) return 'success';
  const hex = /^0x([0-9a-f]{1,16})$/i.exec(keywords.trim());
  if (!hex) return undefined;
  const bits = BigInt(`0x${hex[1] as string}`);
  if (bits & 0x0010000000000000n) return 'failure';
  if (bits & 0x0020000000000000n) return 'success';
  return undefined;
}
