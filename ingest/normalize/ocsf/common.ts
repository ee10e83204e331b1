import type { EcsEvent } from '../../../core/event/index.js';
import { setOwn } from '../../parsers/types.js';

/** The OCSF schema version the mappers follow. */
export const OCSF_VERSION = '1.3.0';

type Obj = Record<string, unknown>;
export const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Drops undefined values and empty objects. */
export function clean<T extends Obj>(o: T): T {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    if (obj(v)) {
      const c = clean(v as Obj);
      if (Object.keys(c).length > 0) setOwn<unknown>(out, k, c);
    } else setOwn<unknown>(out, k, v);
  }
  return out as T;
}

export function categories(ecs: EcsEvent): string[] {
  return Array.isArray(ecs.event?.category) ? ecs.event.category : [];
}
export function types(ecs: EcsEvent): string[] {
  return Array.isArray(ecs.event?.type) ? ecs.event.type : [];
}

/** OCSF `status_id`: 1 Success, 2 Failure, 0 Unknown (from ECS `event.outcome`). */
export function status(ecs: EcsEvent): { status_id: number; status: string } {
  switch (ecs.event?.outcome) {
    case 'success':
      return { status_id: 1, status: 'Success' };
    case 'failure':
      return { status_id: 2, status: 'Failure' };
    default:
      return { status_id: 0, status: 'Unknown' };
  }
}

const SEVERITY_NAMES = ['Unknown', 'Informational', 'Low', 'Medium', 'High', 'Critical', 'Fatal'];

/**
 * OCSF `severity_id` (0 Unknown, 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical, 6 Fatal).
 * From the syslog severity when there is one (the sender's own judgement), else from
 * `event.severity` read on CEF's 0–10 scale, else Informational.
 */
export function severity(ecs: EcsEvent): { severity_id: number; severity: string } {
  const code = obj(obj(ecs.log)?.syslog)?.severity;
  const sys = num(obj(code)?.code);
  let id: number;
  if (sys !== undefined) id = sys <= 0 ? 6 : sys <= 2 ? 5 : sys === 3 ? 4 : sys === 4 ? 3 : sys === 5 ? 2 : 1;
  else {
    const s = num(ecs.event?.severity);
    id = s === undefined ? 1 : s <= 3 ? 2 : s <= 6 ? 3 : s <= 8 ? 4 : 5;
  }
  return { severity_id: id, severity: SEVERITY_NAMES[id] as string };
}

/** OCSF network endpoint from an ECS source/destination/client/server object. */
export function endpoint(side: unknown, host?: EcsEvent['host']): Obj | undefined {
  const s = obj(side);
  const out = clean({
    ip: str(s?.ip),
    port: num(s?.port),
    domain: str(s?.domain),
    hostname: str(s?.address) !== str(s?.ip) ? str(s?.address) : undefined,
    mac: str(s?.mac),
    name: host ? str(host.name) : undefined,
  });
  return Object.keys(out).length > 0 ? out : undefined;
}

/** OCSF user (name, uid, domain) from an ECS user object. */
export function user(u: unknown): Obj | undefined {
  const x = obj(u);
  const out = clean({ name: str(x?.name), uid: str(x?.id), domain: str(x?.domain), email_addr: str(x?.email) });
  return Object.keys(out).length > 0 ? out : undefined;
}

/** OCSF device: the host the event is about. */
export function device(ecs: EcsEvent): Obj | undefined {
  const h = obj(ecs.host);
  if (!h) return undefined;
  const ips = Array.isArray(h.ip) ? (h.ip as unknown[]) : [];
  return clean({ hostname: str(h.hostname) ?? str(h.name), name: str(h.name), ip: str(ips[0]), type_id: 0 });
}
