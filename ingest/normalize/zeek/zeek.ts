import type { EcsEvent } from '../../../core/event/index.js';
import { setField } from '../../../core/event/index.js';
import { setOwn } from '../../parsers/types.js';
import { buildEvent, ipOf, merge, str, type Json, type RecordContext } from '../cloud/common.js';
import { communityId } from '../community-id.js';
import { addRelated, portOf, timeOf } from '../network-fields.js';
import { countUnmapped } from '../unmapped.js';
import { LOG_MAPPERS, zeekPort } from './logs.js';
import { zeekField, zeekLogOf } from './record.js';

/** Fields every log shares, read into ECS by the common part. */
const COMMON = new Set(['ts', 'uid', '_path', '_write_ts', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'id']);

/** The record without the common fields, dotted keys (`certificate.version`) expanded as Elastic's `dot_expander` does. */
function restOf(r: Json, log: string): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(r)) {
    if (COMMON.has(k) && !(k === 'id' && log === 'x509')) continue;
    if (k.includes('.')) setField(out, k, v);
    else setOwn<unknown>(out, k, v);
  }
  return out;
}

/**
 * A Zeek log record (JSON, `LogAscii::use_json=T`) → ECS, following Elastic's `zeek` integration:
 * `event.dataset` `zeek.<log>` (`zeek.connection` for conn.log), the connection's endpoints from
 * `id.*`, `event.id` and `zeek.session_id` from `uid`, Community ID, and each log's own mapping
 * (`logs.ts`); the record's other fields stay under `zeek.<log>`. A log Vigil does not map keeps
 * the common fields and is counted on `vigil_normalize_unmapped_total{vendor="zeek"}`.
 */
export function normalizeZeek(r: Json, ctx: RecordContext, original: string): EcsEvent {
  const log = zeekLogOf(r) ?? 'unknown';
  const mapper = Object.hasOwn(LOG_MAPPERS, log) ? LOG_MAPPERS[log] : undefined;
  if (!mapper) countUnmapped('zeek', log);
  const rest = restOf(r, log);
  const origH = str(zeekField(r, 'id.orig_h'));
  const respH = str(zeekField(r, 'id.resp_h'));
  let transport = str(r.proto)?.toLowerCase();
  const mapped = mapper?.(r, rest, transport);
  transport ??= str(((mapped?.fields.network ?? {}) as Json).transport);
  const icmp = transport === 'icmp';
  const srcIp = ipOf(origH);
  const dstIp = ipOf(respH);
  const sport = portOf(zeekPort(r, 'orig'));
  const dport = portOf(zeekPort(r, 'resp'));
  const uid = str(r.uid);
  const dataset = mapped?.dataset ?? log.replace(/[^\w]/g, '_');

  let fields: Json = {
    event: { id: uid },
    source: { address: origH, ip: srcIp, port: icmp ? undefined : sport },
    destination: { address: respH, ip: dstIp, port: icmp ? undefined : dport },
    network: {
      transport,
      community_id:
        str(r.community_id) ?? (sport === 0 && dport === 0 && !icmp ? undefined : communityId(transport, srcIp, dstIp, sport, dport)),
    },
    zeek: { session_id: uid },
  };
  if (mapped) fields = merge(fields, mapped.fields);
  fields = merge(fields, { zeek: { [dataset]: rest } });
  const event = buildEvent(
    ctx,
    original,
    { time: timeOf(r.ts), dataset: `zeek.${dataset}`, module: 'zeek', relatedIps: mapped?.relatedIps },
    fields,
  );
  addRelated(event as { related?: Json }, { hash: mapped?.hashes });
  return event;
}
