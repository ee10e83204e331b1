import type { EcsEvent } from '../../core/event/index.js';
import type { TimeContext } from '../parsers/datetime.js';
import type { CefRecord } from '../parsers/cef.js';
import { applyRules, withZone, type FieldRule } from './fields.js';
import { setOwn } from '../parsers/types.js';

/**
 * CEF short key → full name (ArcSight "Common Event Format" rev. 25 key tables, as Elastic's
 * decode_cef reads them). Keys sent in full are used as they are.
 */
// prettier-ignore
export const CEF_FULL_NAMES: Readonly<Record<string, string>> = {
  act: 'deviceAction', app: 'applicationProtocol', art: 'agentReceiptTime', cat: 'deviceEventCategory', cnt: 'baseEventCount',
  dhost: 'destinationHostName', dlat: 'destinationGeoLatitude', dlong: 'destinationGeoLongitude', dmac: 'destinationMacAddress',
  dntdom: 'destinationNtDomain', dpid: 'destinationProcessId', dpriv: 'destinationUserPrivileges', dproc: 'destinationProcessName',
  dpt: 'destinationPort', dst: 'destinationAddress', dtz: 'deviceTimeZone', duid: 'destinationUserId', duser: 'destinationUserName',
  dvc: 'deviceAddress', dvchost: 'deviceHostName', dvcmac: 'deviceMacAddress', dvcpid: 'deviceProcessId', end: 'endTime',
  fname: 'filename', fsize: 'fileSize', in: 'bytesIn', msg: 'message', out: 'bytesOut', outcome: 'eventOutcome', proto: 'transportProtocol',
  request: 'requestUrl', rt: 'deviceReceiptTime', shost: 'sourceHostName', slat: 'sourceGeoLatitude', slong: 'sourceGeoLongitude',
  smac: 'sourceMacAddress', sntdom: 'sourceNtDomain', spid: 'sourceProcessId', spriv: 'sourceUserPrivileges', sproc: 'sourceProcessName',
  spt: 'sourcePort', src: 'sourceAddress', start: 'startTime', suid: 'sourceUserId', suser: 'sourceUserName', agt: 'agentAddress',
  ahost: 'agentHostName', aid: 'agentId', amac: 'agentMacAddress', at: 'agentType', atz: 'agentTimeZone', av: 'agentVersion',
  externalId: 'externalId', reason: 'reason',
};

/** CEF_FULL_NAMES as a Map: a key such as `toString` must not find Object.prototype's. */
const FULL_NAME: ReadonlyMap<string, string> = new Map(Object.entries(CEF_FULL_NAMES));

/**
 * Full CEF name → ECS field, as Elastic's decode_cef processor maps them (x-pack/filebeat/
 * processors/decode_cef/keys.ecs.go), keeping only targets that ECS 9 defines: decode_cef's
 * `agent.ip`, `source.process.*`, `destination.process.*` and `*.service.name` are not ECS fields,
 * and `deviceEventCategory → event.category` would break ECS's allowed values, so those stay in
 * `vigil.cef.extensions` only.
 */
// prettier-ignore
export const CEF_TO_ECS: Readonly<Record<string, FieldRule>> = {
  applicationProtocol: { path: 'network.application', as: 'lower' },
  bytesIn: { path: 'source.bytes', as: 'long' },
  bytesOut: { path: 'destination.bytes', as: 'long' },
  customerExternalID: { path: 'organization.id', as: 'keyword' },
  customerURI: { path: 'organization.name', as: 'keyword' },
  destinationAddress: { path: 'destination.ip', as: 'ip' },
  destinationDnsDomain: { path: 'destination.domain', as: 'keyword' },
  destinationGeoLatitude: { path: 'destination.geo.location.lat', as: 'double' },
  destinationGeoLongitude: { path: 'destination.geo.location.lon', as: 'double' },
  destinationHostName: { path: 'destination.domain', as: 'keyword' },
  destinationMacAddress: { path: 'destination.mac', as: 'mac' },
  destinationPort: { path: 'destination.port', as: 'port' },
  destinationTranslatedAddress: { path: 'destination.nat.ip', as: 'ip' },
  destinationTranslatedPort: { path: 'destination.nat.port', as: 'port' },
  destinationUserId: { path: 'destination.user.id', as: 'keyword' },
  destinationUserName: { path: 'destination.user.name', as: 'keyword' },
  destinationUserPrivileges: { path: 'destination.user.group.name', as: 'keyword' },
  deviceAction: { path: 'event.action', as: 'keyword' },
  deviceAddress: { path: 'observer.ip', as: 'ip', array: true },
  deviceDirection: { path: 'network.direction', as: 'direction01' },
  deviceDnsDomain: { path: 'observer.hostname', as: 'keyword' },
  deviceHostName: { path: 'observer.hostname', as: 'keyword' },
  deviceMacAddress: { path: 'observer.mac', as: 'mac', array: true },
  devicePayloadId: { path: 'event.id', as: 'keyword' },
  deviceProcessId: { path: 'process.pid', as: 'long' },
  deviceProcessName: { path: 'process.name', as: 'keyword' },
  deviceReceiptTime: { path: '@timestamp', as: 'date' },
  deviceTimeZone: { path: 'event.timezone', as: 'keyword' },
  endTime: { path: 'event.end', as: 'date' },
  eventId: { path: 'event.id', as: 'keyword' },
  eventOutcome: { path: 'event.outcome', as: 'outcome' },
  fileCreateTime: { path: 'file.created', as: 'date' },
  fileId: { path: 'file.inode', as: 'keyword' },
  fileModificationTime: { path: 'file.mtime', as: 'date' },
  filename: { path: 'file.name', as: 'keyword' },
  filePath: { path: 'file.path', as: 'keyword' },
  filePermission: { path: 'file.group', as: 'keyword' },
  fileSize: { path: 'file.size', as: 'long' },
  fileType: { path: 'file.type', as: 'keyword' },
  message: { path: 'message', as: 'keyword' },
  requestClientApplication: { path: 'user_agent.original', as: 'keyword' },
  requestContext: { path: 'http.request.referrer', as: 'http-referrer' },
  requestMethod: { path: 'http.request.method', as: 'keyword' },
  requestUrl: { path: 'url.original', as: 'keyword' },
  sourceAddress: { path: 'source.ip', as: 'ip' },
  sourceDnsDomain: { path: 'source.domain', as: 'keyword' },
  sourceGeoLatitude: { path: 'source.geo.location.lat', as: 'double' },
  sourceGeoLongitude: { path: 'source.geo.location.lon', as: 'double' },
  sourceHostName: { path: 'source.domain', as: 'keyword' },
  sourceMacAddress: { path: 'source.mac', as: 'mac' },
  sourcePort: { path: 'source.port', as: 'port' },
  sourceTranslatedAddress: { path: 'source.nat.ip', as: 'ip' },
  sourceTranslatedPort: { path: 'source.nat.port', as: 'port' },
  sourceUserId: { path: 'source.user.id', as: 'keyword' },
  sourceUserName: { path: 'source.user.name', as: 'keyword' },
  sourceUserPrivileges: { path: 'source.user.group.name', as: 'keyword' },
  startTime: { path: 'event.start', as: 'date' },
  transportProtocol: { path: 'network.transport', as: 'transport' },
  agentReceiptTime: { path: 'event.created', as: 'date' },
};

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
