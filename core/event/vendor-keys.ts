/**
 * The vendor key tables of CEF and LEEF: which vendor key carries which ECS field. They are data,
 * read both ways: ingest/normalize maps CEF and LEEF records to ECS with them, and the syslog sink
 * encodes ECS back to CEF and LEEF with them, so the two directions cannot disagree.
 */

/**
 * How one source attribute becomes one ECS field: the conversion keeps ECS types honest (an `ip`
 * field only ever holds an IP, a `long` a safe integer, a `date` an RFC 3339 string). A value
 * that does not convert is left out of ECS (it stays in the record under `vigil.*`).
 */
export type Conversion =
  'keyword' | 'lower' | 'ip' | 'port' | 'long' | 'double' | 'date' | 'mac' | 'transport' | 'direction01' | 'outcome' | 'http-referrer';

export interface FieldRule {
  path: string;
  as: Conversion;
  /** ECS normalizes the field to an array (`observer.ip`, `user.roles`). */
  array?: true;
}

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

/**
 * Vigil's LEEF → ECS mapping. IBM defines LEEF's predefined attributes (QRadar "LEEF event
 * components") but no ECS mapping exists, so this table is ours; ingest/normalize/README.md lists
 * it. Attributes without a row stay in `vigil.leef.attributes`.
 */
// prettier-ignore
export const LEEF_TO_ECS: Readonly<Record<string, FieldRule>> = {
  src: { path: 'source.ip', as: 'ip' },
  dst: { path: 'destination.ip', as: 'ip' },
  srcPort: { path: 'source.port', as: 'port' },
  dstPort: { path: 'destination.port', as: 'port' },
  srcPostNAT: { path: 'source.nat.ip', as: 'ip' },
  dstPostNAT: { path: 'destination.nat.ip', as: 'ip' },
  srcPostNATPort: { path: 'source.nat.port', as: 'port' },
  dstPostNATPort: { path: 'destination.nat.port', as: 'port' },
  srcMAC: { path: 'source.mac', as: 'mac' },
  dstMAC: { path: 'destination.mac', as: 'mac' },
  srcBytes: { path: 'source.bytes', as: 'long' },
  dstBytes: { path: 'destination.bytes', as: 'long' },
  srcPackets: { path: 'source.packets', as: 'long' },
  dstPackets: { path: 'destination.packets', as: 'long' },
  totalPackets: { path: 'network.packets', as: 'long' },
  proto: { path: 'network.transport', as: 'transport' },
  usrName: { path: 'user.name', as: 'keyword' },
  accountName: { path: 'user.name', as: 'keyword' },
  domain: { path: 'user.domain', as: 'keyword' },
  identGrpName: { path: 'group.name', as: 'keyword' },
  groupID: { path: 'group.id', as: 'keyword' },
  identHostName: { path: 'host.hostname', as: 'keyword' },
  url: { path: 'url.original', as: 'keyword' },
  policy: { path: 'rule.name', as: 'keyword' },
  cat: { path: 'event.action', as: 'keyword' },
  sev: { path: 'event.severity', as: 'long' },
  role: { path: 'user.roles', as: 'keyword', array: true },
};
