import type { EcsEvent } from '../../../core/event/index.js';
import { categories, clean, device, endpoint, obj, str, types, user } from './common.js';
import type { OcsfClass } from './types.js';

/** `event.action` of logon attempts: Elastic's system.auth (`ssh_login`, `logged-on`) and fortinet_fortigate (`login`). */
const LOGON_ACTIONS = new Set(['ssh_login', 'logged-on', 'login']);

/** Authentication [3002], Identity & Access Management [3]. */
export const authentication: OcsfClass = {
  class_uid: 3002,
  class_name: 'Authentication',
  category_uid: 3,
  category_name: 'Identity & Access Management',
  matches: (e) => categories(e).includes('authentication'),
  activity(e) {
    // 1 Logon, 2 Logoff, 99 Other
    if (types(e).includes('end')) return { id: 2, name: 'Logoff' };
    // Elastic's integrations write logon attempts as `type: info` (or none) with a logon action.
    if (types(e).includes('start') || LOGON_ACTIONS.has(e.event?.action ?? '')) return { id: 1, name: 'Logon' };
    return { id: 99, name: 'Other' };
  },
  attributes(e) {
    const u = user(e.user) ?? user(obj(e.source)?.user);
    return clean({
      user: u,
      actor: u ? { user: u } : undefined,
      src_endpoint: endpoint(e.source),
      dst_endpoint: endpoint(e.destination) ?? endpoint(undefined, e.host),
      service: str(obj(e.service)?.name) ? { name: str(obj(e.service)?.name) } : undefined,
      auth_protocol: str(obj(e.network)?.protocol),
      device: device(e),
    });
  },
};

const TRANSPORT_NUM: Readonly<Record<string, number>> = { icmp: 1, tcp: 6, udp: 17, 'ipv6-icmp': 58, sctp: 132, gre: 47, esp: 50 };

/** Network Activity [4001], Network Activity [4]. */
export const networkActivity: OcsfClass = {
  class_uid: 4001,
  class_name: 'Network Activity',
  category_uid: 4,
  category_name: 'Network Activity',
  matches: (e) => categories(e).includes('network'),
  activity(e) {
    // 1 Open, 2 Close, 3 Reset, 4 Fail, 5 Refuse, 6 Traffic
    const t = types(e);
    if (t.includes('denied')) return { id: 5, name: 'Refuse' };
    if (t.includes('start')) return { id: 1, name: 'Open' };
    if (t.includes('end')) return { id: 2, name: 'Close' };
    return { id: 6, name: 'Traffic' };
  },
  attributes(e) {
    const n = obj(e.network);
    const transport = str(n?.transport);
    const dir = str(n?.direction);
    const src = obj(e.source);
    const dst = obj(e.destination);
    const t = types(e);
    return clean({
      src_endpoint: endpoint(e.source),
      dst_endpoint: endpoint(e.destination),
      connection_info: {
        protocol_name: transport,
        protocol_num: transport ? TRANSPORT_NUM[transport] : undefined,
        // 1 Inbound, 2 Outbound, 3 Lateral, 0 Unknown
        direction_id: dir === 'inbound' || dir === 'ingress' ? 1 : dir === 'outbound' || dir === 'egress' ? 2 : dir === 'internal' ? 3 : 0,
      },
      traffic: {
        bytes: typeof n?.bytes === 'number' ? n.bytes : undefined,
        bytes_out: typeof src?.bytes === 'number' ? src.bytes : undefined,
        bytes_in: typeof dst?.bytes === 'number' ? dst.bytes : undefined,
        packets: typeof n?.packets === 'number' ? n.packets : undefined,
      },
      // 1 Allowed, 2 Denied (OCSF 1.1+ security control profile)
      action_id: t.includes('denied') ? 2 : t.includes('allowed') ? 1 : undefined,
      action: t.includes('denied') ? 'Denied' : t.includes('allowed') ? 'Allowed' : undefined,
      firewall_rule:
        str(obj(e.rule)?.name) || str(obj(e.rule)?.id) ? { name: str(obj(e.rule)?.name), uid: str(obj(e.rule)?.id) } : undefined,
      app_name: str(n?.application),
      device: device(e),
    });
  },
};

/** Process Activity [1007], System Activity [1]. */
export const processActivity: OcsfClass = {
  class_uid: 1007,
  class_name: 'Process Activity',
  category_uid: 1,
  category_name: 'System Activity',
  matches: (e) => categories(e).includes('process'),
  activity(e) {
    // 1 Launch, 2 Terminate, 99 Other
    const t = types(e);
    if (t.includes('start')) return { id: 1, name: 'Launch' };
    if (t.includes('end')) return { id: 2, name: 'Terminate' };
    return { id: 99, name: 'Other' };
  },
  attributes(e) {
    const p = obj(e.process);
    const u = user(e.user);
    const effective = user(obj(e.user)?.effective);
    return clean({
      process: clean({
        name: str(p?.name),
        pid: typeof p?.pid === 'number' ? p.pid : undefined,
        cmd_line: str(p?.command_line),
        file: str(p?.executable) ? { path: str(p?.executable), name: str(p?.executable)!.split('/').pop() } : undefined,
        user: effective,
        cwd: str(p?.working_directory),
      }),
      actor: u ? { user: u } : undefined,
      device: device(e) ?? { type_id: 0 },
    });
  },
};

/** API Activity [6003], Application Activity [6]. */
export const apiActivity: OcsfClass = {
  class_uid: 6003,
  class_name: 'API Activity',
  category_uid: 6,
  category_name: 'Application Activity',
  matches: (e) => categories(e).includes('api') || (categories(e).includes('configuration') && obj(e.cloud) !== undefined),
  activity(e) {
    // 1 Create, 2 Read, 3 Update, 4 Delete, 99 Other
    const t = types(e);
    if (t.includes('creation')) return { id: 1, name: 'Create' };
    if (t.includes('deletion')) return { id: 4, name: 'Delete' };
    if (t.includes('change')) return { id: 3, name: 'Update' };
    if (t.includes('access') || t.includes('info')) return { id: 2, name: 'Read' };
    return { id: 99, name: 'Other' };
  },
  attributes(e) {
    const u = user(e.user);
    const cloud = obj(e.cloud);
    return clean({
      api: { operation: str(e.event?.action) ?? 'unknown', service: { name: str(obj(cloud?.service)?.name) ?? str(e.event?.provider) } },
      actor: u ? { user: u } : { user: { name: 'unknown' } },
      src_endpoint: endpoint(e.source) ?? { ip: undefined },
      cloud: cloud
        ? clean({ provider: str(cloud.provider), region: str(cloud.region), account: { uid: str(obj(cloud.account)?.id) } })
        : undefined,
    });
  },
};

/** Base Event [0]: what no class above describes. */
export const baseEvent: OcsfClass = {
  class_uid: 0,
  class_name: 'Base Event',
  category_uid: 0,
  category_name: 'Uncategorized',
  matches: () => true,
  activity: () => ({ id: 99, name: 'Other' }),
  attributes: (e: EcsEvent) => clean({ device: device(e) }),
};

/** Classes in the order they are tried; the first that matches describes the event. */
export const OCSF_CLASSES: readonly OcsfClass[] = [authentication, processActivity, apiActivity, networkActivity, baseEvent];
