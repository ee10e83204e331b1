import type { EcsEvent } from '../../core/event/index.js';
import { isObject, type Json } from './cloud/common.js';
import { isSuricataEve, normalizeSuricata } from './suricata/index.js';
import { isZeekLog, normalizeZeek } from './zeek/index.js';

/**
 * A Suricata EVE or Zeek record that arrived on a syslog or TCP input (a bare JSON line, or
 * Suricata's `filetype: syslog` EVE output) → the ECS fields to merge into that input's event.
 * The input's envelope (`vigil.*`, `event.created`, `event.original`) is its own, so the
 * normalizer's are left out. Undefined when the record is neither.
 */
export function sensorJsonPatch(r: Json, text: string, now: Date): Record<string, unknown> | undefined {
  const ctx = { inputId: '', receivedAt: now, keepOriginal: false };
  let e: EcsEvent;
  if (isSuricataEve(r)) e = normalizeSuricata(r, ctx, text);
  else if (isZeekLog(r)) e = normalizeZeek(r, ctx, text);
  else return undefined;
  const { vigil: _vigil, event, ...rest } = e;
  const { created: _created, original: _original, ...ev } = event ?? {};
  // Receive time when the record had none: the syslog header's time is better, keep it.
  if (e.vigil?.parse_status !== 'ok') delete (rest as { '@timestamp'?: string })['@timestamp'];
  return { ...rest, event: ev };
}

/** The message of a syslog line from Suricata's EVE syslog output, read as EVE. */
export function suricataSyslogPatch(message: string, now: Date): Record<string, unknown> | undefined {
  if (!message.startsWith('{')) return undefined;
  let r: unknown;
  try {
    r = JSON.parse(message);
  } catch {
    return undefined;
  }
  return isObject(r) && isSuricataEve(r) ? sensorJsonPatch(r, message, now) : undefined;
}
