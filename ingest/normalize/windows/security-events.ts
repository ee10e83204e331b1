import type { Json } from '../cloud/common.js';
import { ipOf, merge } from '../cloud/common.js';
import type { Mapping } from './mapping.js';
import { val } from './mapping.js';
import {
  accountName,
  callerAndPeer,
  computerObject,
  effectiveUser,
  groupMember,
  logonFailure,
  logonSession,
  logonUser,
  processCreated,
  renamed,
  service,
  session,
  shareAccess,
  subject,
  targetAccount,
  type Reader,
} from './security-fields.js';

/**
 * Windows Security channel events → ECS categorization, as Elastic's Windows Security ingest
 * pipeline (integrations `system`/`windows`, data stream `security`) sets it: `[category, type,
 * action]` by event id. `event.outcome` comes from the record's audit keywords (see windows.ts);
 * `OUTCOME` is only for a record that carries none.
 */
// prettier-ignore
const CATEGORIZATION: Record<number, readonly [string[], string[], string]> = {
  1100: [['process'], ['end'], 'logging-service-shutdown'],
  1102: [['iam'], ['admin', 'change'], 'audit-log-cleared'],
  1104: [['iam'], ['admin'], 'logging-full'],
  1105: [['iam'], ['admin'], 'auditlog-archieved'], // sic: Elastic's spelling, kept so that its content matches
  1108: [['iam'], ['admin'], 'logging-processing-error'],
  4610: [['configuration'], ['access'], 'authentication-package-loaded'],
  4611: [['configuration'], ['change'], 'trusted-logon-process-registered'],
  4614: [['configuration'], ['access'], 'notification-package-loaded'],
  4616: [['configuration'], ['change'], 'system-time-changed'],
  4622: [['configuration'], ['access'], 'security-package-loaded'],
  4624: [['authentication'], ['start'], 'logged-in'],
  4625: [['authentication'], ['start'], 'logon-failed'],
  4634: [['authentication'], ['end'], 'logged-out'],
  4647: [['authentication'], ['end'], 'logged-out'],
  4648: [['authentication'], ['start'], 'logged-in-explicit'],
  4657: [['registry', 'configuration'], ['change'], 'registry-value-modified'],
  4670: [['iam', 'configuration'], ['admin', 'change'], 'permissions-changed'],
  4672: [['iam'], ['admin'], 'logged-in-special'],
  4673: [['iam'], ['admin'], 'privileged-service-called'],
  4674: [['iam'], ['admin'], 'privileged-operation'],
  4688: [['process'], ['start'], 'created-process'],
  4689: [['process'], ['end'], 'exited-process'],
  4697: [['iam', 'configuration'], ['admin', 'change'], 'service-installed'],
  4698: [['iam', 'configuration'], ['creation', 'admin'], 'scheduled-task-created'],
  4699: [['iam', 'configuration'], ['deletion', 'admin'], 'scheduled-task-deleted'],
  4700: [['iam', 'configuration'], ['change', 'admin'], 'scheduled-task-enabled'],
  4701: [['iam', 'configuration'], ['change', 'admin'], 'scheduled-task-disabled'],
  4702: [['iam', 'configuration'], ['change', 'admin'], 'scheduled-task-updated'],
  4706: [['configuration'], ['creation'], 'domain-trust-added'],
  4707: [['configuration'], ['deletion'], 'domain-trust-removed'],
  4713: [['configuration'], ['change'], 'kerberos-policy-changed'],
  4714: [['configuration'], ['change'], 'encrypted-data-recovery-policy-changed'],
  4715: [['configuration'], ['change'], 'object-audit-policy-changed'],
  4716: [['configuration'], ['change'], 'trusted-domain-information-changed'],
  4717: [['iam', 'configuration'], ['admin', 'change'], 'system-security-access-granted'],
  4718: [['iam', 'configuration'], ['admin', 'deletion'], 'system-security-access-removed'],
  4719: [['iam', 'configuration'], ['admin', 'change'], 'changed-audit-config'],
  4720: [['iam'], ['user', 'creation'], 'added-user-account'],
  4722: [['iam'], ['user', 'change'], 'enabled-user-account'],
  4723: [['iam'], ['user', 'change'], 'changed-password'],
  4724: [['iam'], ['user', 'change'], 'reset-password'],
  4725: [['iam'], ['user', 'deletion'], 'disabled-user-account'],
  4726: [['iam'], ['user', 'deletion'], 'deleted-user-account'],
  4727: [['iam'], ['group', 'creation'], 'added-group-account'],
  4728: [['iam'], ['group', 'change'], 'added-member-to-group'],
  4729: [['iam'], ['group', 'change'], 'removed-member-from-group'],
  4730: [['iam'], ['group', 'deletion'], 'deleted-group-account'],
  4731: [['iam'], ['group', 'creation'], 'added-group-account'],
  4732: [['iam'], ['group', 'change'], 'added-member-to-group'],
  4733: [['iam'], ['group', 'change'], 'removed-member-from-group'],
  4734: [['iam'], ['group', 'deletion'], 'deleted-group-account'],
  4735: [['iam'], ['group', 'change'], 'modified-group-account'],
  4737: [['iam'], ['group', 'change'], 'modified-group-account'],
  4738: [['iam'], ['user', 'change'], 'modified-user-account'],
  4739: [['configuration'], ['change'], 'domain-policy-changed'],
  4740: [['iam'], ['user', 'change'], 'locked-out-user-account'],
  4741: [['iam'], ['creation', 'admin'], 'added-computer-account'],
  4742: [['iam'], ['change', 'admin'], 'changed-computer-account'],
  4743: [['iam'], ['deletion', 'admin'], 'deleted-computer-account'],
  4744: [['iam'], ['group', 'creation'], 'added-distribution-group-account'],
  4745: [['iam'], ['group', 'change'], 'changed-distribution-group-account'],
  4746: [['iam'], ['group', 'change'], 'added-member-to-distribution-group'],
  4747: [['iam'], ['group', 'change'], 'removed-member-from-distribution-group'],
  4748: [['iam'], ['group', 'deletion'], 'deleted-distribution-group-account'],
  4749: [['iam'], ['group', 'creation'], 'added-distribution-group-account'],
  4750: [['iam'], ['group', 'change'], 'changed-distribution-group-account'],
  4751: [['iam'], ['group', 'change'], 'added-member-to-distribution-group'],
  4752: [['iam'], ['group', 'change'], 'removed-member-from-distribution-group'],
  4753: [['iam'], ['group', 'deletion'], 'deleted-distribution-group-account'],
  4754: [['iam'], ['group', 'creation'], 'added-group-account'],
  4755: [['iam'], ['group', 'change'], 'modified-group-account'],
  4756: [['iam'], ['group', 'change'], 'added-member-to-group'],
  4757: [['iam'], ['group', 'change'], 'removed-member-from-group'],
  4758: [['iam'], ['group', 'deletion'], 'deleted-group-account'],
  4759: [['iam'], ['group', 'creation'], 'added-distribution-group-account'],
  4760: [['iam'], ['group', 'change'], 'changed-distribution-group-account'],
  4761: [['iam'], ['group', 'change'], 'added-member-to-distribution-group'],
  4762: [['iam'], ['group', 'change'], 'removed-member-from-distribution-group'],
  4763: [['iam'], ['group', 'deletion'], 'deleted-distribution-group-account'],
  4764: [['iam'], ['group', 'change'], 'type-changed-group-account'],
  4767: [['iam'], ['user', 'change'], 'unlocked-user-account'],
  4768: [['authentication'], ['start'], 'kerberos-authentication-ticket-requested'],
  4769: [['authentication'], ['start'], 'kerberos-service-ticket-requested'],
  4770: [['authentication'], ['start'], 'kerberos-service-ticket-renewed'],
  4771: [['authentication'], ['start'], 'kerberos-preauth-failed'],
  4776: [['authentication'], ['start'], 'credential-validated'],
  4778: [['authentication', 'session'], ['start'], 'session-reconnected'],
  4779: [['authentication', 'session'], ['end'], 'session-disconnected'],
  4781: [['iam'], ['user', 'change'], 'renamed-user-account'],
  4798: [['iam'], ['user', 'info'], 'group-membership-enumerated'],
  4799: [['iam'], ['group', 'info'], 'user-member-enumerated'],
  4817: [['iam', 'configuration'], ['admin', 'change'], 'object-audit-changed'],
  4902: [['iam', 'configuration'], ['admin', 'creation'], 'user-audit-policy-created'],
  4904: [['iam', 'configuration'], ['admin', 'change'], 'security-event-source-added'],
  4905: [['iam', 'configuration'], ['admin', 'deletion'], 'security-event-source-removed'],
  4906: [['iam', 'configuration'], ['admin', 'change'], 'crash-on-audit-changed'],
  4907: [['iam', 'configuration'], ['admin', 'change'], 'audit-setting-changed'],
  4908: [['iam', 'configuration'], ['admin', 'change'], 'special-group-table-changed'],
  4912: [['iam', 'configuration'], ['admin', 'change'], 'per-user-audit-policy-changed'],
  4950: [['configuration'], ['change'], 'windows-firewall-setting-changed'],
  4954: [['configuration'], ['change'], 'windows-firewall-group-policy-changed'],
  4964: [['iam'], ['admin', 'group'], 'logged-in-special'],
  5024: [['process'], ['start'], 'windows-firewall-service-started'],
  5025: [['process'], ['end'], 'windows-firewall-service-stopped'],
  5033: [['driver'], ['start'], 'windows-firewall-driver-started'],
  5034: [['driver'], ['end'], 'windows-firewall-driver-stopped'],
  5037: [['driver'], ['end'], 'windows-firewall-driver-error'],
  5140: [['network', 'file'], ['info', 'access'], 'network-share-object-accessed'],
  5145: [['network', 'file'], ['info', 'access'], 'network-share-object-access-checked'],
};

/** For records without audit keywords: events that are failures by their nature. */
const OUTCOME: Record<number, 'failure'> = { 4625: 'failure', 4771: 'failure' };

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * Which readers apply to which ids, in order (a later reader's fields win). The id lists are
 * those of Elastic's pipeline steps ("Copy Subject User", "Copy Target User", "Rename Common Auth
 * Fields", …).
 */
const SUBJECT_IDS = [
  1102,
  4648,
  4657,
  4670,
  4672,
  4673,
  4674,
  4688,
  4689,
  4697,
  ...range(4698, 4702),
  4706,
  4707,
  4713,
  ...range(4716, 4720),
  ...range(4722, 4735),
  ...range(4737, 4764),
  4767,
  4781,
  4798,
  4799,
  4817,
  4904,
  4905,
  4907,
  4912,
  5140,
  5145,
];
const LOGON_USER_IDS = [4624, 4625, 4634, 4647, 4768, 4769, 4770, 4771, 4776, 4964];
const TARGET_ACCOUNT_IDS = [4670, 4720, 4722, 4723, 4724, 4725, 4726, 4738, 4740, 4767, 4798, 4817, 4907];
const GROUP_IDS = [...range(4727, 4735), 4737, ...range(4744, 4764), 4799];
const CALLER_AND_PEER_IDS = [
  1100,
  1102,
  1104,
  1105,
  1108,
  4624,
  4625,
  4648,
  4670,
  4673,
  4674,
  4689,
  4697,
  4719,
  4720,
  ...range(4722, 4735),
  ...range(4737, 4764),
  4767,
  4768,
  4769,
  4770,
  4771,
  4798,
  4799,
  4817,
  4904,
  4905,
  4907,
  4912,
  5140,
  5145,
];

const ALL_IDS = Object.keys(CATEGORIZATION).map(Number);

// 4648 names the server the credentials were used for.
const targetServer: Reader = (d) => ({ destination: { domain: val(d.TargetServerName) } });

const READERS: Array<[readonly number[], Reader]> = [
  [LOGON_USER_IDS, logonUser],
  [SUBJECT_IDS, subject],
  [TARGET_ACCOUNT_IDS, targetAccount],
  [[4648, 4688], effectiveUser],
  [GROUP_IDS, groupMember],
  [[4741, 4742, 4743], computerObject],
  [CALLER_AND_PEER_IDS, callerAndPeer],
  [[4648], targetServer],
  [[4688], processCreated],
  [[4778, 4779], session],
  [[5140, 5145], shareAccess],
  [[4697, 4769], service],
  [[4781], renamed],
  [ALL_IDS, logonSession('SubjectLogonId')],
  // The session a logon event is about is the new one (TargetLogonId), not the caller's.
  [[4624, 4625, 4634, 4647, 4964], logonSession('TargetLogonId')],
  [[4625, 4776], logonFailure],
];

/** Users Elastic adds to `related.user` that are not in `user.*`. */
const RELATED_USERS: Array<[readonly number[], (d: Record<string, string>) => string | undefined]> = [
  [[4624], (d) => val(d.SubjectUserName)],
  [[4781], (d) => val(d.NewTargetUserName)],
];

function mappingOf(id: number, [category, type, action]: readonly [string[], string[], string]): Mapping {
  const readers = READERS.filter(([ids]) => ids.includes(id)).map(([, r]) => r);
  const related = RELATED_USERS.filter(([ids]) => ids.includes(id)).map(([, r]) => r);
  return {
    action,
    category,
    type,
    outcome: OUTCOME[id],
    fields: (d) => readers.reduce<Json>((acc, r) => merge(acc, r(d)), {}),
    relatedUsers: related.length > 0 ? (d) => related.map((r) => accountName(r(d))) : undefined,
    // 1100–1108 and the account events name the client by address only (`ClientAddress`).
    relatedIps: (d) => [ipOf(val(d.ClientAddress))],
  };
}

/** The Security channel events Vigil maps, by event id. */
export const SECURITY_EVENTS: Readonly<Record<number, Mapping>> = Object.fromEntries(
  Object.entries(CATEGORIZATION).map(([id, c]) => [Number(id), mappingOf(Number(id), c)]),
);
