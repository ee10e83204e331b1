import { int, ipOf, type Json } from '../cloud/common.js';
import { domainParts } from '../domain.js';
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

/**
 * A command line split as Windows' CommandLineToArgvW does (Microsoft's "Parsing C command-line
 * arguments"): whitespace outside quotes separates, quotes are removed, 2n backslashes before a
 * quote give n and the quote toggles quoting, 2n+1 give n and a literal quote, and `""` inside
 * quotes is a literal quote that also ends the quoting (the rule before 2008, which Elastic's
 * Sysmon pipeline follows for `process.args`).
 */
export function windowsArgv(cmd: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < cmd.length) {
    while (i < cmd.length && (cmd[i] === ' ' || cmd[i] === '\t')) i++;
    if (i >= cmd.length) break;
    let arg = '';
    let quoted = false;
    let slashes = 0;
    for (; i < cmd.length; i++) {
      const c = cmd[i] as string;
      if (c === '\\') {
        slashes++;
        continue;
      }
      if (c === '"') {
        arg += '\\'.repeat(Math.floor(slashes / 2));
        if (slashes % 2 === 1) arg += '"';
        else {
          // The pre-2008 rule: `""` inside quotes is a literal quote and also ends the quoting.
          if (quoted && cmd[i + 1] === '"') {
            arg += '"';
            i++;
          }
          quoted = !quoted;
        }
        slashes = 0;
        continue;
      }
      arg += '\\'.repeat(slashes);
      slashes = 0;
      if (!quoted && (c === ' ' || c === '\t')) break;
      arg += c;
    }
    args.push(arg + '\\'.repeat(slashes));
  }
  return args;
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
/** The names a DNS query's `QueryResults` hold (CNAME and other named records). */
function resultNames(results: string | undefined): string[] {
  return (results ?? '')
    .split(';')
    .map((x) => /^type:\s+\d+\s+(\S+)$/.exec(x.trim())?.[1])
    .filter((x): x is string => x !== undefined);
}

function resolvedIps(results: string | undefined): string[] {
  return (results ?? '')
    .split(';')
    .map((x) => ipOf(x.trim()))
    .filter((x): x is string => x !== undefined);
}

/**
 * Sysmon events by id; field names from Sysinternals' Sysmon event reference, `event.action` and
 * categorization as Elastic's `windows.sysmon_operational` pipeline sets them.
 */
export const SYSMON_EVENTS: Record<number, Mapping> = {
  1: {
    action: 'Process creation',
    category: ['process'],
    type: ['start'],
    fields: (d) => ({
      user: sysmonUser(d),
      process: {
        ...proc(d),
        command_line: val(d.CommandLine),
        args: val(d.CommandLine) ? windowsArgv(d.CommandLine as string) : undefined,
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
    action: 'Network connection',
    category: ['network'],
    type: ['start', 'connection', 'protocol'],
    fields: (d) => ({
      user: sysmonUser(d),
      process: proc(d),
      source: { ip: ipOf(d.SourceIp), port: int(val(d.SourcePort)), domain: val(d.SourceHostname) },
      destination: { ip: ipOf(d.DestinationIp), port: int(val(d.DestinationPort)), domain: val(d.DestinationHostname) },
      network: {
        transport: val(d.Protocol)?.toLowerCase(),
        protocol: val(d.DestinationPortName) ?? val(d.SourcePortName),
        type: d.SourceIsIpv6 === 'true' ? 'ipv6' : d.SourceIsIpv6 === 'false' ? 'ipv4' : undefined,
        direction: d.Initiated === 'true' ? 'egress' : d.Initiated === 'false' ? 'ingress' : undefined,
      },
    }),
  },
  5: {
    action: 'Process terminated',
    category: ['process'],
    type: ['end'],
    fields: (d) => ({ user: sysmonUser(d), process: proc(d) }),
  },
  11: {
    action: 'FileCreate',
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
    action: 'DNSEvent (DNS query)',
    category: ['network'],
    type: ['connection', 'protocol', 'info'],
    fields: (d) => ({
      user: sysmonUser(d),
      process: proc(d),
      dns: { question: { name: val(d.QueryName), ...domainParts(val(d.QueryName)) }, resolved_ip: resolvedIps(d.QueryResults) },
      related: { hosts: [...new Set([...resultNames(d.QueryResults), ...(val(d.QueryName) ? [d.QueryName as string] : [])])] },
      network: { protocol: 'dns' },
      // Sysmon 22's QueryStatus is a Win32 error code; 0 is success.
      event: { outcome: d.QueryStatus === undefined ? 'unknown' : d.QueryStatus === '0' ? 'success' : 'failure' },
    }),
  },
};

export function sysmonMapping(e: WinEvent): Mapping | undefined {
  return e.provider === SYSMON_PROVIDER || e.channel === `${SYSMON_PROVIDER}/Operational` ? SYSMON_EVENTS[e.eventId] : undefined;
}
