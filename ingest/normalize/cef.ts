import type { EcsEvent } from '../../core/event/index.js';
import type { TimeContext } from '../parsers/datetime.js';
import type { CefRecord } from '../parsers/cef.js';
import { CEF_FULL_NAMES, CEF_TO_ECS } from '../../core/event/vendor-keys.js';
import { applyRules, withZone } from './fields.js';
import { setOwn } from '../parsers/types.js';

export { CEF_FULL_NAMES, CEF_TO_ECS };

/** CEF_FULL_NAMES as a Map: a key such as `toString` must not find Object.prototype's. */
const FULL_NAME: ReadonlyMap<string, string> = new Map(Object.entries(CEF_FULL_NAMES));

/** CEF Severity: 0–10, or Unknown/Low/Medium/High/Very-High (decode_cef's numbers for the words). */
export function cefSeverity(s: string): number | undefined {
  const d0 = s.charCodeAt(0) - 0x30;
  const d1 = s.charCodeAt(1) - 0x30;
  if (d0 >= 0 && d0 <= 9 && s.length <= 2) {
    if (s.length === 1) return d0;
    if (d1 >= 0 && d1 <= 9) return d0 * 10 + d1;
  }
  switch (s.toLowerCase()) {
    case 'low':
      return 0;
    case 'medium':
      return 4;
    case 'high':
      return 7;
    case 'very-high':
      return 9;
    default:
      return /^\d{1,2}$/.test(s) ? Number(s) : undefined;
  }
}

/** CEF `type`: 0 base, 1 aggregated, 2 correlation (an alert), 3 action. */
const CEF_TYPE_KIND: Readonly<Record<string, 'event' | 'alert'>> = { '0': 'event', '1': 'event', '2': 'alert', '3': 'event' };

/** A CEF record → the ECS fields it defines (merged over the syslog base by the caller). */
export function cefToEcs(cef: CefRecord, time: TimeContext): Partial<EcsEvent> {
  const out: Record<string, unknown> = {};
  out.vigil = cefInto(out, cef, time);
  return out as Partial<EcsEvent>;
}

/**
 * Writes a CEF record's ECS fields into `target` (the syslog base, or an empty patch) the way
 * merging `cefToEcs`'s patch over it would, without building and merging the patch: this runs on
 * every CEF line. Returns the record's `vigil` part (`{ cef }`) for the caller's envelope.
 */
export function cefInto(target: Record<string, unknown>, cef: CefRecord, time: TimeContext): Record<string, unknown> {
  const full: Record<string, string> = {};
  const ext = cef.extensions;
  for (const k in ext) setOwn(full, FULL_NAME.get(k) ?? k, ext[k] as string);

  if (cef.deviceVendor || cef.deviceProduct || cef.deviceVersion) {
    const observer = child(target, 'observer');
    if (cef.deviceVendor) observer.vendor = cef.deviceVendor;
    if (cef.deviceProduct) observer.product = cef.deviceProduct;
    if (cef.deviceVersion) observer.version = cef.deviceVersion;
  }
  const event = child(target, 'event');
  if (cef.signatureId) event.code = cef.signatureId;
  const sev = cefSeverity(cef.severity);
  if (sev !== undefined) event.severity = sev;
  const kind = full.type !== undefined && Object.hasOwn(CEF_TYPE_KIND, full.type) ? CEF_TYPE_KIND[full.type] : undefined;
  if (kind) event.kind = kind;
  if (cef.name) target.message = cef.name;

  applyRules(target, full, CEF_TO_ECS, withZone(time, full.deviceTimeZone));
  // SPECS: suser/duser are the user names; ECS `user.name` is the acting user.
  const user = full.sourceUserName ?? full.destinationUserName;
  if (user) child(target, 'user').name = user;

  return {
    cef: {
      version: cef.version,
      device: { vendor: cef.deviceVendor, product: cef.deviceProduct, version: cef.deviceVersion, event_class_id: cef.signatureId },
      name: cef.name,
      severity: cef.severity,
      extensions: full,
    },
  };
}

/** The object at `target[key]`, created (or put in place of a non-object) as a merge would. */
function child(target: Record<string, unknown>, key: string): Record<string, unknown> {
  const v = target[key];
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  const created: Record<string, unknown> = {};
  target[key] = created;
  return created;
}
