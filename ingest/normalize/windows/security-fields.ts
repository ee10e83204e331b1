import { int, ipOf, type Json } from '../cloud/common.js';
import { baseName, val } from './mapping.js';

/**
 * The ECS fields of Security events, one reader per shape of `EventData` (Microsoft's audit
 * event reference names the fields). `security-events.ts` says which readers apply to which id,
 * following the id lists of Elastic's Windows Security ingest pipeline.
 */
export type Reader = (d: Record<string, string>) => Json;

/** Logon types of 4624/4625/4634 (Microsoft's audit documentation for event 4624). */
const LOGON_TYPES: Record<string, string> = {
  '0': 'System',
  '2': 'Interactive',
  '3': 'Network',
  '4': 'Batch',
  '5': 'Service',
  '7': 'Unlock',
  '8': 'NetworkCleartext',
  '9': 'NewCredentials',
  '10': 'RemoteInteractive',
  '11': 'CachedInteractive',
  '12': 'CachedRemoteInteractive',
  '13': 'CachedUnlock',
};

/** NTSTATUS codes of 4625's and 4776's Status/SubStatus (Microsoft's audit documentation for events 4625 and 4776). */
const LOGON_FAILURES: Record<string, string> = {
  '0XC000005E': 'There are currently no logon servers available to service the logon request.',
  '0XC0000064': 'User logon with misspelled or bad user account',
  '0XC000006A': 'User logon with misspelled or bad password',
  '0XC000006D': 'The user name or password is incorrect',
  '0XC000006E': 'Unknown user name or bad password.',
  '0XC000006F': 'User logon outside authorized hours',
  '0XC0000070': 'User logon from unauthorized workstation',
  '0XC0000071': 'User logon with expired password',
  '0XC0000072': 'User logon to account disabled by administrator',
  '0XC00000DC': 'Indicates the Sam Server was in the wrong state to perform the desired operation.',
  '0XC0000133': 'Clocks between DC and other computer too far out of sync',
  '0XC000015B': 'The user has not been granted the requested logon type (aka logon right) at this machine',
  '0XC000018C': 'The logon request failed because the trust relationship between the primary domain and the trusted domain failed.',
  '0XC0000192': 'An attempt was made to logon, but the Netlogon service was not started.',
  '0XC0000193': 'User logon with expired account',
  '0XC0000224': 'User is required to change password at next logon',
  '0XC0000225': 'Evidently a bug in Windows and not a risk',
  '0XC0000234': 'User logon with account locked',
  '0XC00002EE': 'Failure Reason: An Error occurred during Logon',
  '0XC0000371': 'The local account store does not contain secret material for the specified account',
  '0XC0000413': 'Logon Failure: The machine you are logging onto is protected by an authentication firewall.',
};

/** Service types of 4697 (Microsoft's audit documentation for event 4697). */
const SERVICE_TYPES: Record<string, string> = {
  '0x1': 'Kernel Driver',
  '0x2': 'File System Driver',
  '0x8': 'Recognizer Driver',
  '0x10': 'Win32 Own Process',
  '0x20': 'Win32 Share Process',
  '0x110': 'Interactive Own Process',
  '0x120': 'Interactive Share Process',
};

/** `jdoe@CORP.EXAMPLE.COM` → `jdoe`: Kerberos events name principals with their realm. */
export function accountName(v: string | undefined): string | undefined {
  const s = val(v);
  if (!s) return undefined;
  const at = s.indexOf('@');
  return at > 0 ? s.slice(0, at) : s;
}

/** The account that did it: `Subject*`. */
export const subject: Reader = (d) => ({
  user: { name: val(d.SubjectUserName), domain: val(d.SubjectDomainName), id: val(d.SubjectUserSid) },
});

/** Logon and Kerberos events: the account that logs on (`Target*`) is the user. */
export const logonUser: Reader = (d) => ({
  user: { name: accountName(d.TargetUserName), domain: val(d.TargetDomainName), id: val(d.TargetUserSid) ?? val(d.TargetSid) },
});

/** Account management: the account acted on (`Target*`) is `user.target`. */
export const targetAccount: Reader = (d) => ({
  user: { target: { name: accountName(d.TargetUserName), domain: val(d.TargetDomainName), id: val(d.TargetSid) } },
});

/** 4648 and 4688: the credentials used (`Target*`) are `user.effective`. */
export const effectiveUser: Reader = (d) => ({
  user: { effective: { name: accountName(d.TargetUserName), domain: val(d.TargetDomainName), id: val(d.TargetUserSid) } },
});

/** `CN=Jane Doe,OU=Users,DC=corp,DC=example` → `Jane Doe`; anything else as is. */
export function memberName(dn: string | undefined): string | undefined {
  if (!dn) return undefined;
  const m = /^CN=((?:\\,|[^,])+)/i.exec(dn);
  return m ? (m[1] as string).replace(/\\,/g, ',') : dn;
}

/** Group management: `Target*` is the group, `MemberName`/`MemberSid` the member. */
export const groupMember: Reader = (d) => {
  const group = { name: val(d.TargetUserName), domain: val(d.TargetDomainName), id: val(d.TargetSid) ?? val(d.TargetUserSid) };
  const member = memberName(val(d.MemberName));
  const memberSid = val(d.MemberSid);
  return {
    group,
    user: member || memberSid ? { target: { name: member, id: memberSid, group } } : undefined,
  };
};

/** Computer account management (4741–4743): `Target*` is a computer object, not a user. */
export const computerObject: Reader = (d) => ({
  winlog: { computerObject: { name: val(d.TargetUserName), domain: val(d.TargetDomainName), id: val(d.TargetSid) } },
});

/** The caller process and the network peer that most audit events carry (`ProcessId`, `IpAddress`…). */
export const callerAndPeer: Reader = (d) => ({
  // 0x0 is "no process" (a network logon).
  process: { pid: int(val(d.ProcessId)) || undefined, executable: val(d.ProcessName), name: baseName(val(d.ProcessName)) },
  source: { ip: ipOf(val(d.IpAddress)), port: int(val(d.IpPort)) || undefined, domain: val(d.WorkstationName) },
});

/** 4688: the new process and its parent. */
export const processCreated: Reader = (d) => {
  const commandLine = val(d.CommandLine);
  return {
    process: {
      pid: int(val(d.NewProcessId)),
      executable: val(d.NewProcessName),
      name: baseName(val(d.NewProcessName)),
      command_line: commandLine,
      args: commandLine ? commandArgs(commandLine) : undefined,
      parent: { pid: int(val(d.ProcessId)), executable: val(d.ParentProcessName), name: baseName(val(d.ParentProcessName)) },
    },
  };
};

/** A Windows command line split on whitespace outside double quotes (quotes kept, as Elastic does). */
export function commandArgs(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    if (!quoted && /\s/.test(c)) {
      if (cur !== '') out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur !== '') out.push(cur);
  return out;
}

/** 4778/4779 (RDP session reconnected/disconnected). */
export const session: Reader = (d) => ({
  user: { name: val(d.AccountName), domain: val(d.AccountDomain) },
  source: { ip: ipOf(val(d.ClientAddress)), domain: val(d.ClientName) },
  winlog: { logon: { id: val(d.LogonID) } },
});

/** 5140/5145: the share and the file reached through it. */
export const shareAccess: Reader = (d) => {
  const name = val(d.RelativeTargetName);
  const directory = val(d.ShareLocalPath);
  const share = val(d.ShareName);
  const dot = name ? name.lastIndexOf('.') : -1;
  return {
    file: {
      name,
      directory,
      path: name && directory ? `${directory}\\${name}` : undefined,
      target_path: name && share ? `${share}\\${name}` : undefined,
      extension: name && dot > 0 && dot < name.length - 1 ? name.slice(dot + 1) : undefined,
    },
  };
};

/** `ServiceName`/`ServiceType` (4697 service installed; 4769 names the ticket's service). */
export const service: Reader = (d) => ({
  service: { name: val(d.ServiceName), type: SERVICE_TYPES[val(d.ServiceType) ?? ''] },
});

/** 4781: an account renamed. */
export const renamed: Reader = (d) => ({
  user: { target: { name: val(d.OldTargetUserName) }, changes: { name: val(d.NewTargetUserName) } },
});

/** The logon type's name and the logon session. */
export const logonSession =
  (idField: 'SubjectLogonId' | 'TargetLogonId'): Reader =>
  (d) => ({
    winlog: { logon: { type: LOGON_TYPES[d.LogonType ?? ''] ?? val(d.LogonType), id: val(d[idField]) } },
  });

/** 4625 and 4776: why the credentials were refused. */
export const logonFailure: Reader = (d) => {
  const status = val(d.Status)?.toUpperCase();
  const sub = val(d.SubStatus)?.toUpperCase();
  const reason = (sub && sub !== '0X0' ? LOGON_FAILURES[sub] : undefined) ?? (status ? LOGON_FAILURES[status] : undefined);
  return {
    event: { reason },
    winlog: { logon: { failure: { status: val(d.Status), sub_status: val(d.SubStatus), reason } } },
  };
};
