import type { EcsEvent } from '../../../core/event/index.js';
import { OCSF_VERSION, clean, obj, severity, status, str } from './common.js';
import { OCSF_CLASSES } from './classes.js';
import type { OcsfEvent } from './types.js';

export type { OcsfClass, OcsfEvent } from './types.js';
export { OCSF_CLASSES } from './classes.js';
export { OCSF_VERSION } from './common.js';

/**
 * ECS → OCSF. Normalizers produce ECS only; this maps the finished ECS event to the OCSF class
 * its `event.category` points to (Authentication 3002, Process Activity 1007, API Activity 6003,
 * Network Activity 4001, else Base Event 0). `type_uid` = class_uid × 100 + activity_id. ECS
 * fields with no OCSF home are kept under `unmapped` (OCSF's own place for them), and Vigil's
 * envelope stays in `vigil` so that ids, keys and dead letters work the same for both schemas.
 */
export function toOcsf(ecs: EcsEvent): OcsfEvent {
  const cls = OCSF_CLASSES.find((c) => c.matches(ecs))!;
  const act = cls.activity(ecs);
  const observer = obj(ecs.observer);
  const time = Date.parse(ecs['@timestamp']);
  const created = ecs.event?.created ? Date.parse(ecs.event.created) : NaN;
  const product = clean({
    // The device that logged the event; for host programs (sshd, sudo) the program, vendor unknown.
    name: str(observer?.product) ?? str(obj(ecs.process)?.name) ?? 'syslog',
    vendor_name: str(observer?.vendor),
    version: str(observer?.version),
  });
  const out: OcsfEvent = {
    class_uid: cls.class_uid,
    class_name: cls.class_name,
    category_uid: cls.category_uid,
    category_name: cls.category_name,
    activity_id: act.id,
    activity_name: act.name,
    type_uid: cls.class_uid * 100 + act.id,
    type_name: `${cls.class_name}: ${act.name}`,
    time: Number.isFinite(time) ? time : Date.now(),
    ...severity(ecs),
    ...status(ecs),
    metadata: clean({
      version: OCSF_VERSION,
      product,
      uid: ecs.vigil?.id,
      original_time: ecs['@timestamp'],
      logged_time: Number.isFinite(created) ? created : undefined,
      log_name: ecs.event?.dataset,
      event_code: ecs.event?.code,
    }) as OcsfEvent['metadata'],
    ...cls.attributes(ecs),
  };
  if (ecs.event?.reason) out.status_detail = ecs.event.reason;
  if (ecs.message !== undefined) out.message = ecs.message;
  if (ecs.event?.original !== undefined) out.raw_data = ecs.event.original;
  const unmapped = clean({
    'event.action': ecs.event?.action,
    'event.category': ecs.event?.category,
    'event.type': ecs.event?.type,
    'host.name': obj(ecs.host)?.name,
    'log.syslog': obj(ecs.log)?.syslog,
    labels: ecs.labels,
  });
  if (Object.keys(unmapped).length > 0) out.unmapped = unmapped;
  if (ecs.vigil) out.vigil = ecs.vigil;
  return out;
}
