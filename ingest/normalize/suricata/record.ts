import { isObject, type Json } from '../cloud/common.js';

/**
 * A Suricata EVE JSON record: an `event_type` text and a `timestamp`, with the flow it belongs
 * to (`flow_id` or `src_ip`), or a `stats` record. Other JSON loggers that happen to write an
 * `event_type` carry neither, so they are not taken for EVE.
 */
export function isSuricataEve(r: Json): boolean {
  if (typeof r.event_type !== 'string' || r.timestamp === undefined) return false;
  return r.flow_id !== undefined || r.src_ip !== undefined || (r.event_type === 'stats' && isObject(r.stats));
}
