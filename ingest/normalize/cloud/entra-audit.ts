import type { EcsEvent } from '../../../core/event/index.js';
import { resourceParts, upnUser } from './azure.js';
import { buildEvent, ipOf, isObject, obj, str, type Json, type RecordContext } from './common.js';

/** Directory audit categories (`properties.category`) whose records change identities: ECS `iam`. */
const IAM_CATEGORIES = new Set(['UserManagement', 'GroupManagement', 'RoleManagement', 'ApplicationManagement']);
const HOST_CATEGORIES = new Set(['Device', 'DeviceManagement']);

/** `operationType` (Add, Update, Delete, Assign, Unassign, Other) → ECS event.type. */
function typeOf(operationType: string | undefined, iam: boolean): string {
  switch (operationType?.toLowerCase()) {
    case 'add':
      return 'creation';
    case 'delete':
      return 'deletion';
    case 'update':
    case 'assign':
    case 'unassign':
      return 'change';
    default:
      // `iam` allows no `info`: an identity record of another kind is still a change to it.
      return iam ? 'change' : 'info';
  }
}

/**
 * The categorization Elastic's `azure.auditlogs` pipeline does not write (it sets no category):
 * user, group, role and application management are `iam` (plus `user`/`group`/`admin` by what was
 * changed), device records `host`, the rest `configuration`; the type from `operationType`.
 */
function categorize(category: string | undefined, operationType: string | undefined, targetTypes: Set<string>) {
  const iam = category !== undefined && IAM_CATEGORIES.has(category);
  const type = [typeOf(operationType, iam)];
  if (iam) {
    if (targetTypes.has('user')) type.push('user');
    if (targetTypes.has('group')) type.push('group');
    if (category === 'RoleManagement') type.push('admin');
    return { category: ['iam'], type };
  }
  return { category: [category !== undefined && HOST_CATEGORIES.has(category) ? 'host' : 'configuration'], type };
}

/** `properties.result`: `success` / `failure` in any case (Elastic takes only those two); else none. */
function outcomeOf(result: unknown): 'success' | 'failure' | undefined {
  const r = str(result)?.toLowerCase();
  return r === 'success' || r === 'failure' ? r : undefined;
}

/**
 * An Entra ID audit record (`category: AuditLogs`) → ECS. `properties` is Microsoft Graph's
 * directoryAudit: `activityDisplayName`, `category`, `operationType`, `result`, `resultReason`,
 * `initiatedBy.user|app`, `targetResources[]` with `type`, `userPrincipalName`, `displayName`.
 */
export function normalizeEntraAudit(r: Json, ctx: RecordContext, original: string): EcsEvent {
  const p = obj(r.properties);
  const initiator = obj(obj(p.initiatedBy).user);
  const app = obj(obj(p.initiatedBy).app);
  const targets = (Array.isArray(p.targetResources) ? p.targetResources : []).filter(isObject);
  const targetTypes = new Set(targets.map((t) => str(t.type)?.toLowerCase() ?? ''));
  const targetUser = targets.find((t) => str(t.type)?.toLowerCase() === 'user');
  const targetGroup = targets.find((t) => str(t.type)?.toLowerCase() === 'group');
  const durationMs = Number(r.durationMs);
  const res = resourceParts(str(r.resourceId));
  const caller = ipOf(r.callerIpAddress) ?? ipOf(initiator.ipAddress);
  const reason = str(p.resultReason);
  return buildEvent(
    ctx,
    original,
    { time: r.time ?? p.activityDateTime, dataset: 'azure.auditlogs', module: 'azure', uniqueId: str(p.id) },
    {
      event: {
        id: str(p.id),
        action: str(r.operationName) ?? str(p.activityDisplayName),
        ...categorize(str(p.category), str(p.operationType), targetTypes),
        outcome: outcomeOf(p.result),
        reason: reason === '' ? undefined : reason,
        duration: r.durationMs !== undefined && Number.isFinite(durationMs) ? Math.round(durationMs * 1e6) : undefined,
      },
      log: { level: str(r.level ?? r.Level) },
      cloud: { provider: 'azure' },
      source: { ip: caller },
      client: { ip: caller },
      user: {
        ...upnUser(str(initiator.userPrincipalName)),
        id: str(initiator.id),
        full_name: str(initiator.displayName),
        target: targetUser ? { ...upnUser(str(targetUser.userPrincipalName)), id: str(targetUser.id) } : undefined,
      },
      group: targetGroup ? { name: str(targetGroup.displayName), id: str(targetGroup.id) } : undefined,
      azure: {
        resource: { id: str(r.resourceId), provider: res.provider },
        tenant_id: str(r.tenantId) ?? res.tenant,
        correlation_id: str(r.correlationId),
        auditlogs: {
          category: str(r.category),
          identity: str(r.identity),
          operation_name: str(r.operationName),
          operation_version: str(r.operationVersion),
          result_signature: str(r.resultSignature),
          properties: {
            id: str(p.id),
            category: str(p.category),
            activity_display_name: str(p.activityDisplayName),
            logged_by_service: str(p.loggedByService),
            operation_type: str(p.operationType),
            result_reason: reason === '' ? undefined : reason,
            initiated_by: {
              app: { app_id: str(app.appId), display_name: str(app.displayName), service_principal_id: str(app.servicePrincipalId) },
            },
          },
        },
      },
    },
  );
}
