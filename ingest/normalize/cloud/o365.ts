import { isIP } from 'node:net';
import type { EcsEvent } from '../../../core/event/index.js';
import { countUnmapped } from '../unmapped.js';
import { buildEvent, int, obj, str, type Json, type RecordContext } from './common.js';
import { O365_RECORD_TYPES } from './o365-record-types.js';
import { splitLogin } from './okta.js';
import { userAgent } from '../user-agent.js';

/** A Microsoft 365 Management Activity API record (common schema: `CreationTime`, `Id`, `Operation`, `RecordType`, `Workload`). */
export function isO365Record(r: Json): boolean {
  return typeof r.CreationTime === 'string' && typeof r.Operation === 'string' && r.RecordType !== undefined && typeof r.Id === 'string';
}

/**
 * `ResultStatus` varies by workload (Succeeded, Success, PartiallySucceeded, True, Failed, False);
 * as in Elastic's pipeline, a record without a failing status is a success. `UserLoginFailed` is
 * a failure whatever its status says (Entra ID writes `Success` on some of them).
 */
function outcomeOf(status: string | undefined, operation: string): 'success' | 'failure' {
  if (operation === 'UserLoginFailed') return 'failure';
  return status !== undefined && /^(failed|failure|false)$/i.test(status) ? 'failure' : 'success';
}

/** File and folder operations of every workload → `event.type` (category `file`). */
const FILE_OPS: Readonly<Record<string, string>> = {
  FileAccessed: 'access',
  FileDownloaded: 'access',
  FileDeleted: 'deletion',
  FolderDeleted: 'deletion',
  FileUploaded: 'creation',
  FolderCopied: 'creation',
  FolderCreated: 'creation',
  FileModified: 'change',
  FileMoved: 'change',
  FileRenamed: 'change',
  FileRestored: 'change',
  FolderModified: 'change',
  FolderMoved: 'change',
  FolderRenamed: 'change',
  FolderRestored: 'change',
};

/** Entra ID directory operations Elastic names and categorizes (schema AzureActiveDirectory; `Delete user.` also in Teams). */
const DIRECTORY_OPS: Readonly<Record<string, { action: string; type: string[] }>> = {
  'Add user.': { action: 'added-user-account', type: ['user', 'creation'] },
  'Update user.': { action: 'modified-user-account', type: ['user', 'change'] },
  'Delete user.': { action: 'deleted-user-account', type: ['user', 'deletion'] },
};

const TEAMS_OPS: Readonly<Record<string, { action: string; type: string[] }>> = {
  TeamCreated: { action: 'added-group-account-to', type: ['group', 'creation'] },
  MemberAdded: { action: 'added-users-to-group', type: ['group', 'change'] },
  'Delete user.': DIRECTORY_OPS['Delete user.'] as { action: string; type: string[] },
};

/** Yammer operations → categories and types, as Elastic's pipeline lists them. */
const YAMMER_CATEGORY: ReadonlyArray<readonly [string, readonly string[]]> = [
  [
    'configuration',
    [
      'NetworkConfigurationUpdated',
      'NetworkSecurityConfigurationUpdated',
      'SoftDeleteSettingsUpdated',
      'ProcessProfileFields',
      'SupervisorAdminToggled',
    ],
  ],
  ['iam', ['NetworkSecurityConfigurationUpdated', 'GroupCreation', 'GroupDeletion', 'NetworkUserSuspended', 'UserSuspension']],
  ['file', ['FileCreated', 'FileDownloaded', 'FileShared', 'FileUpdateDescription', 'FileUpdateName', 'FileVisited']],
];
const YAMMER_TYPE: ReadonlyArray<readonly [string, readonly string[]]> = [
  [
    'change',
    [
      'NetworkConfigurationUpdated',
      'NetworkSecurityConfigurationUpdated',
      'SoftDeleteSettingsUpdated',
      'ProcessProfileFields',
      'SupervisorAdminToggled',
    ],
  ],
  ['admin', ['NetworkSecurityConfigurationUpdated']],
  ['creation', ['FileCreated', 'GroupCreation', 'FileUpdateName']],
  ['deletion', ['GroupDeletion']],
  ['access', ['FileDownloaded', 'FileShared', 'FileUpdateDescription', 'FileVisited']],
  ['group', ['GroupCreation', 'GroupDeletion']],
];

const SEVERITY: Readonly<Record<string, number>> = { informational: 1, low: 2, medium: 3, high: 4 };
const DLP = new Set(['ComplianceDLPSharePoint', 'ComplianceDLPExchange']);

interface Categorized {
  kind: 'event' | 'alert';
  action: string;
  category: string[];
  type: string[];
}

/**
 * Elastic's o365 categorization: every record is `web` / `info`, and the schema (`RecordType`)
 * and operation add to that: sign-ins are authentication, file operations file, directory,
 * Teams and Yammer membership operations iam, compliance alerts and DLP alerts.
 */
function categorize(schema: string | undefined, operation: string, alertCategory: string | undefined): Categorized {
  const out: Categorized = { kind: 'event', action: operation, category: ['web'], type: ['info'] };
  const add = (list: string[], v: string) => {
    if (!list.includes(v)) list.push(v);
  };
  const named =
    schema === 'AzureActiveDirectory' ? DIRECTORY_OPS[operation] : schema === 'MicrosoftTeams' ? TEAMS_OPS[operation] : undefined;
  if (named) {
    out.action = named.action;
    add(out.category, 'iam');
    for (const t of named.type) add(out.type, t);
  }
  if (schema === 'AzureActiveDirectoryStsLogon') {
    add(out.category, 'authentication');
    add(out.type, 'start');
    add(out.type, 'access');
  }
  const file = Object.hasOwn(FILE_OPS, operation) ? FILE_OPS[operation] : undefined;
  if (file) {
    add(out.category, 'file');
    add(out.type, file);
  }
  if (operation === 'ComplianceSettingChanged') {
    add(out.category, 'configuration');
    add(out.type, 'change');
  }
  if (schema === 'SecurityComplianceAlerts') {
    out.kind = 'alert';
    if (alertCategory === 'ThreatManagement') add(out.category, 'malware');
    else if (alertCategory === 'DataGovernance' || alertCategory === 'DataLossPrevention') add(out.category, 'file');
    else if (alertCategory !== undefined) add(out.category, 'authentication');
  }
  if (schema !== undefined && DLP.has(schema)) {
    out.kind = 'alert';
    add(out.category, 'file');
    add(out.type, 'access');
  }
  if (schema === 'Yammer') {
    for (const [c, ops] of YAMMER_CATEGORY) if (ops.includes(operation)) add(out.category, c);
    for (const [t, ops] of YAMMER_TYPE) if (ops.includes(operation)) add(out.type, t);
  }
  return out;
}

/**
 * `ClientIP` and its kin as the workloads write them: `1.2.3.4`, `1.2.3.4:5678`,
 * `[2001:db8::1]:443`, `::ffff:1.2.3.4`, a host name, or `host (1.2.3.4)`.
 */
function endpointOf(raw: string | undefined): { ip?: string; port?: number; address?: string; domain?: string } {
  if (!raw) return {};
  const s = raw.trim().replace(/::ffff:(\d+\.\d+\.\d+\.\d+)/, '$1');
  let m = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (m && isIP(m[1] as string)) return { ip: m[1], address: m[1], port: m[2] ? Number(m[2]) : undefined };
  if (isIP(s)) return { ip: s, address: s };
  m = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(s);
  if (m && isIP(m[1] as string)) return { ip: m[1], address: m[1], port: Number(m[2]) };
  m = /^\[?(\S+?)\]? \(([^)]*)\)$/.exec(s);
  if (m) return { domain: m[1], address: m[2], ip: isIP(m[2] as string) ? m[2] : undefined };
  m = /^\[?([^\s\]]+?)\]?:(\d+)$/.exec(s);
  if (m) return { domain: m[1], port: Number(m[2]) };
  if (/^\S+$/.test(s)) return { domain: s };
  return { address: s };
}

/** `[{Name, Value}]` → `{Name: Value}` (Exchange cmdlet parameters, extended properties). */
function nameValues(v: unknown): Record<string, string> | undefined {
  if (!Array.isArray(v)) return undefined;
  return Object.fromEntries(
    v
      .map(obj)
      .filter((p) => str(p.Name))
      .map((p) => [str(p.Name), str(p.Value) ?? '']),
  );
}

/**
 * One Management Activity API record → ECS, as Elastic's o365 integration maps it: `RecordType`
 * names the schema (`event.code`), `Workload` is `event.provider`, `Operation` `event.action`
 * (Entra ID and Teams membership operations get Elastic's names), a UPN `UserId` is split into
 * `user.name`, `user.domain` and `user.email`, and the client address (with its port, in any of
 * the workloads' spellings) is `client.*` and `source.*`. `CreationTime` is UTC without a zone.
 */
export function normalizeO365(r: Json, ctx: RecordContext, original: string): EcsEvent {
  const operation = str(r.Operation) ?? '';
  const workload = str(r.Workload) ?? '';
  const recordType = int(r.RecordType);
  const schema = recordType !== undefined ? O365_RECORD_TYPES[recordType] : undefined;
  if (!schema) countUnmapped('o365', str(r.RecordType) ?? '');
  const exchange = schema === 'ExchangeAdmin' || schema === 'ExchangeItem';
  const c = categorize(schema, operation, schema === 'SecurityComplianceAlerts' ? str(r.Category) : undefined);
  const userId = str(r.UserId) ?? (schema === 'Yammer' ? str(r.ActorYammerUserId) : undefined);
  const login = userId?.split('@').length === 2 ? splitLogin(userId) : {};
  const email =
    (schema === 'ExchangeItem' ? str(r.MailboxOwnerUPN) : undefined) ??
    (schema === 'Yammer' ? str(r.ActorUserId) : undefined) ??
    login.email;
  const targetId =
    schema === 'AzureActiveDirectory' || (schema === 'MicrosoftTeams' && c.action === 'deleted-user-account') ? str(r.ObjectId) : undefined;
  const target = targetId?.split('@').length === 2 ? splitLogin(targetId) : {};
  const client = endpointOf(str(r.ClientIPAddress) ?? str(r.ClientIP) ?? str(r.ActorIpAddress));
  const server = exchange ? endpointOf(str(r.OriginatingServer)?.replace(/[\n\r]/g, '')) : {};
  const orgId = str(r.OrganizationId)?.toLowerCase();
  const orgName = exchange ? str(r.OrganizationName) : undefined;
  const sharepointFile = schema === 'SharePointFileOperation' || schema === 'SharePointSharingOperation';
  const sharePointMeta = obj(r.SharePointMetaData);
  const exchangeMeta = obj(r.ExchangeMetaData);
  const dlp = schema !== undefined && DLP.has(schema);
  const alert = schema === 'SecurityComplianceAlerts';
  const extended = nameValues(r.ExtendedProperties);
  const members = schema === 'MicrosoftTeams' && Array.isArray(r.Members) ? r.Members.map((m) => str(obj(m).UPN)) : [];
  const yammer = schema === 'Yammer';
  return buildEvent(
    ctx,
    original,
    {
      time: r.CreationTime,
      dataset: 'o365.audit',
      module: 'o365',
      uniqueId: str(r.Id),
      relatedUsersOnly: true,
      relatedUsers: [login.name, target.name, dlp ? str(sharePointMeta.FileOwner) : undefined, ...members],
    },
    {
      message: alert ? str(r.Comments) : dlp ? str(exchangeMeta.Subject) : undefined,
      event: {
        kind: c.kind,
        id: str(r.Id),
        action: c.action,
        provider: workload,
        code: schema,
        category: c.category,
        type: c.type,
        outcome: outcomeOf(str(r.ResultStatus), operation),
        severity: SEVERITY[str(r.Severity)?.toLowerCase() ?? ''],
        reason: str(r.LogonError),
      },
      user: {
        id: userId,
        name: login.name,
        domain: login.domain,
        email,
        full_name: schema === 'ExchangeItem' ? str(r.LogonUserDisplayName) : undefined,
        target: targetId ? { id: targetId, ...target } : undefined,
      },
      client: { ...client },
      source: { ip: client.ip, port: client.port, user: dlp ? { email: str(exchangeMeta.From) } : undefined },
      server: { ...server },
      destination: {
        ip: server.ip,
        user: yammer ? { email: str(r.TargetUserId), id: str(r.TargetYammerUserId) } : undefined,
      },
      network: { type: client.ip ? (client.ip.includes(':') ? 'ipv6' : 'ipv4') : undefined },
      organization: { id: orgId, name: orgName },
      host: { id: orgId, name: orgName ?? login.domain },
      process: { name: schema === 'ExchangeItem' ? str(r.ClientProcessName) : undefined },
      user_agent: userAgent(str(r.UserAgent) ?? extended?.UserAgent),
      group: { name: yammer ? str(r.GroupName) : schema === 'MicrosoftTeams' ? str(r.TeamName) : undefined },
      file: {
        name: sharepointFile ? str(r.SourceFileName) : yammer ? str(r.FileName) : dlp ? str(sharePointMeta.FileName) : undefined,
        extension: sharepointFile ? str(r.SourceFileExtension) : undefined,
        directory: sharepointFile ? str(r.SourceRelativeUrl) : undefined,
        inode: yammer ? str(r.FileId) : dlp ? (str(sharePointMeta.UniqueId) ?? str(sharePointMeta.UniqueID)) : undefined,
        owner: dlp ? str(sharePointMeta.FileOwner) : undefined,
      },
      url: { original: sharepointFile ? str(r.ObjectId) : dlp ? str(sharePointMeta.FilePathUrl) : undefined },
      rule: alert
        ? {
            name: str(r.Name),
            id: str(r.PolicyId),
            category: str(r.Category),
            ruleset: str(r.EntityType),
            description: str(r.AlertEntityId),
          }
        : dlp
          ? { id: str(r.PolicyId), name: str(r.PolicyName) }
          : undefined,
      o365: {
        audit: {
          record_type: typeof r.RecordType === 'number' ? r.RecordType : str(r.RecordType),
          user_type: typeof r.UserType === 'number' ? r.UserType : str(r.UserType),
          user_key: str(r.UserKey),
          workload,
          operation,
          object_id: str(r.ObjectId),
          result_status: str(r.ResultStatus),
          site_url: str(r.SiteUrl),
          // Exchange cmdlets (New-InboxRule, Set-Mailbox): [{Name, Value}] → {Name: Value}.
          parameters: nameValues(r.Parameters),
        },
      },
    },
  );
}
