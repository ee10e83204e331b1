import { int, ipOf, type Json } from '../cloud/common.js';
import type { WinEvent } from './record.js';
import { baseName, val, type Mapping } from './mapping.js';

export const SYSMON_PROVIDER = 'Microsoft-Windows-Sysmon';

/** `DOMAIN\user` → name and domain (Sysmon's `User`). */
function sysmonUser(d: Record<string, string>): Json {
  const u = val(d.User);
  if (!u) return {};
  const i = u.indexOf('\\');
  return i < 0 ? { name: u } : { domain: u.slice(0, i), name: u.slice(i + 1) };
}

/** `SHA1=…,MD5=…,SHA256=…,IMPHASH=…` → process.hash.* and process.pe.imphash. */
function hashes(s: string | undefined): Json {
  const hash: Json = {};
  let imphash: string | undefined;
  for (const part of (s ?? '').split(',')) {
    const [k, v] = part.split('=');
    if (!k || !v) continue;
    const key = k.trim().toLowerCase();
    if (key === 'imphash') imphash = v.trim().toLowerCase();
    else if (['md5', 'sha1', 'sha256', 'sha512'].includes(key)) hash[key] = v.trim().toLowerCase();
  }
  return { hash, pe: { imphash } };
}

const proc = (d: Record<string, string>): Json => ({
  pid: int(val(d.ProcessId)),
  entity_id: val(d.ProcessGuid),
  executable: val(d.Image),
  name: baseName(val(d.Image)),
});

/**
 * DNS `QueryResults` as Sysmon writes them: `type:  5 cname.example;::ffff:93.184.216.34;` —
 * entries separated by `;`, addresses bare (IPv4 as mapped IPv6), other records with a type prefix.
 */
function resolvedIps(results: string | undefined): string[] {
  return (results ?? '')
    .split(';')
    .map((x) => ipOf(x.trim()))
    .filter((x): x is string => x !== undefined);
}

/** Sysmon events by id; field names from Sysinternals' Sysmon event reference. */
export const SYSMON_EVENTS: Record<number, Mapping> = {
  1: {
    action: 'process-created',
    category: ['process'],
    type: ['start'],
    fields: (d) => ({
      user: sysmonUser(d),
      process: {
        ...proc(d),
        command_line: val(d.CommandLine),
        working_directory: val(d.CurrentDirectory),
        ...hashes(d.Hashes),
        parent: {
          pid: int(val(d.ParentProcessId)),
          entity_id: val(d.ParentProcessGuid),
          executable: val(d.ParentImage),
          name: baseName(val(d.ParentImage)),
          command_line: val(d.ParentCommandLine),
        },
      },
    }),
  },
  3: {
    action: 'network-connection',
    category: ['network'],
    type: ['connection', 'start'],
    fields: (d) => ({
      user: sysmonUser(d),
      process: proc(d),
      source: { ip: ipOf(d.SourceIp), port: int(val(d.SourcePort)), domain: val(d.SourceHostname) },
      destination: { ip: ipOf(d.DestinationIp), port: int(val(d.DestinationPort)), domain: val(d.DestinationHostname) },
      network: {
        transport: val(d.Protocol)?.toLowerCase(),
        type: d.SourceIsIpv6 === 'true' ? 'ipv6' : d.SourceIsIpv6 === 'false' ? 'ipv4' : undefined,
        direction: d.Initiated === 'true' ? 'egress' : d.Initiated === 'false' ? 'ingress' : undefined,
      },
    }),
  },
  5: {
    action: 'process-terminated',
    category: ['process'],
    type: ['end'],
    fields: (d) => ({ user: sysmonUser(d), process: proc(d) }),
  },
  11: {
    action: 'file-created',
    category: ['file'],
    type: ['creation'],
    fields: (d) => {
      const path = val(d.TargetFilename);
      const name = baseName(path);
      const dot = name?.lastIndexOf('.') ?? -1;
      return {
        user: sysmonUser(d),
        process: proc(d),
        file: {
          path,
          name,
          directory: path && name ? path.slice(0, path.length - name.length - 1) : undefined,
          extension: name && dot > 0 ? name.slice(dot + 1).toLowerCase() : undefined,
        },
      };
    },
  },
  22: {
    action: 'dns-query',
    category: ['network'],
    type: ['connection', 'protocol', 'info'],
    fields: (d) => ({
      user: sysmonUser(d),
      process: proc(d),
      dns: { question: { name: val(d.QueryName) }, resolved_ip: resolvedIps(d.QueryResults) },
      network: { protocol: 'dns' },
      // Sysmon 22's QueryStatus is a Win32 error code; 0 is success.
      event: { outcome: d.QueryStatus === undefined ? 'unknown' : d.QueryStatus === '0' ? 'success' : 'failure' },
    }),
  },
};

export function sysmonMapping(e: WinEvent): Mapping | undefined {
  return e.provider === SYSMON_PROVIDER || e.channel === `${SYSMON_PROVIDER}/Operational` ? SYSMON_EVENTS[e.eventId] : undefined;
}
