import { int, ipOf, type Json } from '../cloud/common.js';
import type { WinEvent } from './record.js';

/** What the ECS mapping of one event id says. */
export interface Mapping {
  action: string;
  category?: string[];
  type?: string[];
  outcome?: 'success' | 'failure' | 'unknown';
  fields(d: Record<string, string>): Json;
}

/** `C:\Windows\System32\cmd.exe` → `cmd.exe`. */
export function baseName(path: string | undefined): string | undefined {
  if (!path) return undefined;
  return path.split(/[\\/]/).pop() || undefined;
}

/** `-`, empty and the null SID stand for "none" in Security events. */
export function val(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const s = v.trim();
  return s === '' || s === '-' || s === 'S-1-0-0' ? undefined : v;
}

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

/** NTSTATUS codes of 4625's Status/SubStatus (Microsoft's audit documentation for event 4625). */
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
  '0XC0000413': 'Logon Failure: The machine you are logging onto is protected by an authentication firewall.',
};

const subject = (d: Record<string, string>): Json => ({
  name: val(d.SubjectUserName),
  domain: val(d.SubjectDomainName),
  id: val(d.SubjectUserSid),
});

const target = (d: Record<string, string>): Json => ({
  name: val(d.TargetUserName),
  domain: val(d.TargetDomainName),
  id: val(d.TargetUserSid) ?? val(d.TargetSid),
});

/** Where a network logon came from: IpAddress/IpPort (`-` and `::1` included as Windows writes them). */
const logonSource = (d: Record<string, string>): Json => ({
  ip: ipOf(val(d.IpAddress)),
  port: int(val(d.IpPort)) || undefined,
  domain: val(d.WorkstationName),
});

const logon = (d: Record<string, string>): Json => ({
  logon: {
    type: LOGON_TYPES[d.LogonType ?? ''] ?? val(d.LogonType),
    id: val(d.TargetLogonId),
  },
});

const callerProcess = (d: Record<string, string>): Json => ({
  // 0x0 is "no process" (a network logon).
  pid: int(val(d.ProcessId)) || undefined,
  executable: val(d.ProcessName),
  name: baseName(val(d.ProcessName)),
});

/** A user-account management event: the subject acted on TargetUserName. */
const accountChange = (action: string, type: string): Mapping => ({
  action,
  category: ['iam'],
  type: ['user', type],
  outcome: 'success',
  fields: (d) => ({
    user: { ...subject(d), target: { name: val(d.TargetUserName), domain: val(d.TargetDomainName), id: val(d.TargetSid) } },
  }),
});

/** A group membership event: TargetUserName is the group, MemberName/MemberSid the member. */
const groupChange = (action: string): Mapping => ({
  action,
  category: ['iam'],
  type: ['group', 'change'],
  outcome: 'success',
  fields: (d) => ({
    user: {
      ...subject(d),
      target: {
        name: memberName(val(d.MemberName)),
        id: val(d.MemberSid),
        group: { name: val(d.TargetUserName), domain: val(d.TargetDomainName), id: val(d.TargetSid) },
      },
    },
    group: { name: val(d.TargetUserName), domain: val(d.TargetDomainName), id: val(d.TargetSid) },
  }),
});

/** `CN=Jane Doe,OU=Users,DC=corp,DC=example` → `Jane Doe`; anything else as is. */
function memberName(dn: string | undefined): string | undefined {
  if (!dn) return undefined;
  const m = /^CN=((?:\\,|[^,])+)/i.exec(dn);
  return m ? (m[1] as string).replace(/\\,/g, ',') : dn;
}

/**
 * The Security channel events Vigil maps, by event id; action names follow Elastic's
 * Winlogbeat security module. Field names are those of Microsoft's audit event reference.
 */
export const SECURITY_EVENTS: Record<number, Mapping> = {
  1102: {
    action: 'audit-log-cleared',
    category: ['iam'],
    type: ['admin', 'change'],
    outcome: 'success',
    fields: (d) => ({ user: subject(d) }),
  },
  4624: {
    action: 'logged-in',
    category: ['authentication'],
    type: ['start'],
    outcome: 'success',
    fields: (d) => ({ user: target(d), source: logonSource(d), process: callerProcess(d), winlog: logon(d) }),
  },
  4625: {
    action: 'logon-failed',
    category: ['authentication'],
    type: ['start'],
    outcome: 'failure',
    fields: (d) => {
      const status = val(d.Status)?.toUpperCase();
      const sub = val(d.SubStatus)?.toUpperCase();
      const reason = (sub && sub !== '0X0' ? LOGON_FAILURES[sub] : undefined) ?? (status ? LOGON_FAILURES[status] : undefined);
      return {
        user: target(d),
        source: logonSource(d),
        process: callerProcess(d),
        event: { reason },
        winlog: { logon: { ...(logon(d).logon as Json), failure: { status: val(d.Status), sub_status: val(d.SubStatus), reason } } },
      };
    },
  },
  4634: {
    action: 'logged-out',
    category: ['authentication'],
    type: ['end'],
    outcome: 'success',
    fields: (d) => ({ user: target(d), winlog: logon(d) }),
  },
  4647: {
    action: 'logged-out',
    category: ['authentication'],
    type: ['end'],
    outcome: 'success',
    fields: (d) => ({ user: target(d), winlog: logon(d) }),
  },
  4648: {
    action: 'logged-in-explicit',
    category: ['authentication'],
    type: ['start'],
    outcome: 'success',
    fields: (d) => ({
      user: { ...subject(d), effective: { name: val(d.TargetUserName), domain: val(d.TargetDomainName) } },
      destination: { domain: val(d.TargetServerName) },
      source: logonSource(d),
      process: callerProcess(d),
    }),
  },
  4672: {
    action: 'logged-in-special',
    category: ['iam'],
    type: ['admin'],
    outcome: 'success',
    fields: (d) => ({ user: subject(d), winlog: { logon: { id: val(d.SubjectLogonId) } } }),
  },
  4688: {
    action: 'created-process',
    category: ['process'],
    type: ['start'],
    outcome: 'success',
    fields: (d) => ({
      user: subject(d),
      process: {
        pid: int(val(d.NewProcessId)),
        executable: val(d.NewProcessName),
        name: baseName(val(d.NewProcessName)),
        command_line: val(d.CommandLine),
        parent: { pid: int(val(d.ProcessId)), executable: val(d.ParentProcessName), name: baseName(val(d.ParentProcessName)) },
      },
    }),
  },
  4689: {
    action: 'exited-process',
    category: ['process'],
    type: ['end'],
    outcome: 'success',
    fields: (d) => ({ user: subject(d), process: callerProcess(d) }),
  },
  4720: accountChange('added-user-account', 'creation'),
  4722: accountChange('enabled-user-account', 'change'),
  4723: accountChange('changed-password', 'change'),
  4724: accountChange('reset-password', 'change'),
  4725: accountChange('disabled-user-account', 'change'),
  4726: accountChange('deleted-user-account', 'deletion'),
  4738: accountChange('modified-user-account', 'change'),
  4740: accountChange('locked-out-user-account', 'change'),
  4767: accountChange('unlocked-user-account', 'change'),
  4728: groupChange('added-member-to-group'),
  4729: groupChange('removed-member-from-group'),
  4732: groupChange('added-member-to-group'),
  4733: groupChange('removed-member-from-group'),
  4756: groupChange('added-member-to-group'),
  4757: groupChange('removed-member-from-group'),
};

export function securityMapping(e: WinEvent): Mapping | undefined {
  return SECURITY_EVENTS[e.eventId];
}
