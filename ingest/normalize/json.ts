import type { EcsEvent } from '../../core/event/index.js';
import { setField } from '../../core/event/index.js';
import { parseTimestamp, type TimeContext } from '../parsers/datetime.js';
import { isoString } from '../parsers/iso.js';
import { setOwn } from '../parsers/types.js';

/**
 * A JSON object taken as ECS: dotted keys (`source.ip`) are expanded, `@timestamp` (or `timestamp`,
 * `time`) becomes an RFC 3339 `@timestamp`. Sources with their own JSON layout (CloudTrail, Okta,
 * …) have their own normalizers; this is for JSON lines that are already ECS-shaped.
 */
export function jsonToEcs(json: Record<string, unknown>, time: TimeContext): Partial<EcsEvent> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(json)) {
    if (k === 'timestamp' || k === 'time') continue;
    // `vigil.*` is ours and `@timestamp` is set below, dotted forms too: `{"@timestamp.ip":…}`
    // made @timestamp an object and `{"vigil.id":…}` replaced the event id.
    const head = k.includes('.') ? k.slice(0, k.indexOf('.')) : k;
    if (head === 'vigil' || head === '@timestamp') continue;
    if (k.includes('.')) setField(out, k, v);
    else setOwn(out, k, v); // a `__proto__` key (JSON.parse makes it own) stays data, never the prototype
  }
  const ts = json['@timestamp'] ?? json.timestamp ?? json.time;
  let t: number | undefined;
  if (typeof ts === 'number' && Number.isFinite(ts)) t = ts > 1e11 ? ts : ts * 1000;
  else if (typeof ts === 'string') t = parseTimestamp(ts, time);
  // A number past Date's range (±8.64e15 ms) would make toISOString throw: no time then.
  if (t !== undefined && Math.abs(t) <= 8.64e15) out['@timestamp'] = isoString(t);
  return out as Partial<EcsEvent>;
}
