import type { EcsEvent } from '../../../core/event/index.js';
import { buildEvent, ipOf, isObject, obj, str, verbType, type Json, type RecordContext } from './common.js';
import { userAgent } from '../user-agent.js';

/** Entra ID (Azure AD) sign-in categories, as diagnostic settings name them. */
const SIGNIN_CATEGORIES = new Set([
  'SignInLogs',
  'NonInteractiveUserSignInLogs',
  'ServicePrincipalSignInLogs',
  'ManagedIdentitySignInLogs',
]);

/**
 * A record of the Azure Monitor common schema for resource and activity logs, as diagnostic
 * settings stream them to Event Hubs or storage: `time`, `resourceId`, `operationName`, `category`.
 */
export function isAzureRecord(r: Json): boolean {
  return (
    typeof r.operationName === 'string' &&
    (typeof r.time === 'string' || typeof r.time === 'number') &&
    (typeof r.resourceId === 'string' || typeof r.category === 'string')
  );
}

export function isEntraSignIn(r: Json): boolean {
  return isAzureRecord(r) && SIGNIN_CATEGORIES.has(String(r.category));
}

/** An Entra ID (Azure AD) directory audit record, as diagnostic settings stream it (`category: AuditLogs`). */
export function isEntraAudit(r: Json): boolean {
  return isAzureRecord(r) && r.category === 'AuditLogs';
}

/**
 * An Azure Monitor payload holds many records: `{records:[…]}` (Event Hubs, storage, Monitor
 * exports). Returns the records, or undefined when `doc` is not such a container.
 */
export function azureRecords(doc: unknown): Json[] | undefined {
  if (!isObject(doc) || !Array.isArray(doc.records)) return undefined;
  return doc.records.filter(isObject);
}

/** `/SUBSCRIPTIONS/<id>/RESOURCEGROUPS/<rg>/PROVIDERS/<ns>/<type>/<name>` (or `/tenants/<id>/providers/<ns>`) parts, case-insensitively. */
export function resourceParts(resourceId: string | undefined): {
  subscription?: string;
  group?: string;
  provider?: string;
  tenant?: string;
} {
  if (!resourceId) return {};
  const parts = resourceId.split('/');
  const after = (key: string) => {
    const i = parts.findIndex((p) => p.toLowerCase() === key);
    return i >= 0 ? parts[i + 1] : undefined;
  };
  return { subscription: after('subscriptions'), group: after('resourcegroups'), provider: after('providers'), tenant: after('tenants') };
}

/** Activity log `resultType`: Start, Accept, Success/Succeeded, Failure/Failed, … */
function outcomeOf(resultType: string | undefined): 'success' | 'failure' | 'unknown' {
  if (!resultType) return 'unknown';
  if (/^(success|succeeded)$/i.test(resultType)) return 'success';
  if (/^(failure|failed)$/i.test(resultType)) return 'failure';
  return 'unknown';
}

/** `alice@corp.example` → name `alice`, domain `corp.example`, email; anything else is the name alone (as Elastic's grok splits it). */
export function upnUser(upn: string | undefined): { name?: string; domain?: string; email?: string } {
  if (!upn) return {};
  const m = /^([^@\s]+)@([^@\s]+)$/.exec(upn);
  return m ? { name: m[1], domain: m[2], email: upn } : { name: upn };
}

const CLAIM_UPN = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn';
const CLAIM_NAME = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name';
const CLAIM_OID = 'http://schemas.microsoft.com/identity/claims/objectidentifier';

/**
 * An activity-log (or other resource-log) record → ECS: `operationName` is the action
 * (`MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE`; its last segment, WRITE/DELETE/ACTION/READ, gives
 * event.type), the caller from `identity.claims` (upn, name) or `caller`, `callerIpAddress`.
 */
export function normalizeAzureActivity(r: Json, ctx: RecordContext, original: string): EcsEvent {
  const claims = obj(obj(r.identity).claims);
  const resourceId = str(r.resourceId);
  const res = resourceParts(resourceId);
  const operation = str(r.operationName) ?? '';
  const last = operation.split('/').pop() ?? '';
  const type = last === 'ACTION' ? 'change' : last === 'READ' ? 'access' : verbType(last);
  const caller = str(claims[CLAIM_UPN]) ?? str(claims[CLAIM_NAME]) ?? str(r.caller);
  const durationMs = typeof r.durationMs === 'number' ? r.durationMs : Number(r.durationMs);
  const outcome = outcomeOf(str(r.resultType));
  const props = obj(r.properties);
  return buildEvent(
    ctx,
    original,
    { time: r.time, dataset: 'azure.activitylogs', module: 'azure' },
    {
      event: {
        action: operation,
        category: ['api'],
        type: outcome === 'failure' && /Authorization/i.test(str(r.resultSignature) ?? '') ? [type, 'denied'] : [type],
        outcome,
        duration: Number.isFinite(durationMs) ? Math.round(durationMs * 1e6) : undefined,
      },
      log: { level: str(r.level ?? r.Level)?.toLowerCase() },
      cloud: {
        provider: 'azure',
        account: { id: res.subscription?.toLowerCase() },
        region: str(r.location) === 'global' ? undefined : str(r.location),
      },
      user: { ...upnUser(caller), id: str(claims[CLAIM_OID]), full_name: str(claims.name) },
      source: { ip: ipOf(r.callerIpAddress) },
      client: { ip: ipOf(r.callerIpAddress) },
      azure: {
        resource: { id: resourceId, group: res.group, provider: res.provider },
        subscription_id: res.subscription,
        tenant_id: str(r.tenantId),
        correlation_id: str(r.correlationId),
        activitylogs: {
          category: str(r.category),
          result_type: str(r.resultType),
          result_signature: str(r.resultSignature),
          event_category: str(props.eventCategory),
        },
      },
    },
  );
}

/**
 * An Entra ID sign-in record (`category: SignInLogs`, …) → ECS authentication. The sign-in itself
 * is in `properties` (Microsoft Graph signIn resource: `userPrincipalName`, `ipAddress`,
 * `status.errorCode` (0 is success), `location`, `deviceDetail`, `appDisplayName`).
 */
export function normalizeEntraSignIn(r: Json, ctx: RecordContext, original: string): EcsEvent {
  const p = obj(r.properties);
  const status = obj(p.status);
  const errorCode = str(status.errorCode) ?? str(r.resultType);
  const failed = errorCode !== undefined && errorCode !== '0';
  const loc = obj(p.location);
  const geo = obj(loc.geoCoordinates);
  const device = obj(p.deviceDetail);
  const lat = typeof geo.latitude === 'number' ? geo.latitude : undefined;
  const lon = typeof geo.longitude === 'number' ? geo.longitude : undefined;
  const durationMs = typeof r.durationMs === 'number' ? r.durationMs : undefined;
  return buildEvent(
    ctx,
    original,
    { time: r.time ?? p.createdDateTime, dataset: 'azure.signinlogs', module: 'azure', uniqueId: str(p.id) },
    {
      event: {
        id: str(p.id),
        action: str(r.operationName),
        // As Elastic's signinlogs pipeline: `info`, and a sign-in without an error code succeeded.
        category: ['authentication'],
        type: ['info'],
        outcome: failed ? 'failure' : 'success',
        reason: failed ? (str(status.failureReason) ?? str(r.resultDescription)) : undefined,
        duration: durationMs !== undefined ? Math.round(durationMs * 1e6) : undefined,
      },
      cloud: { provider: 'azure' },
      user: { ...upnUser(str(p.userPrincipalName)), id: str(p.userId), full_name: str(p.userDisplayName) },
      client: { ip: ipOf(p.ipAddress) ?? ipOf(r.callerIpAddress) },
      source: {
        ip: ipOf(p.ipAddress) ?? ipOf(r.callerIpAddress),
        geo: {
          city_name: str(loc.city),
          region_name: str(loc.state),
          country_iso_code: str(loc.countryOrRegion),
          location: lat !== undefined && lon !== undefined ? { lat, lon } : undefined,
        },
      },
      // Elastic's user_agent processor replaces the whole object; the device's OS only stands in when there is no user agent.
      user_agent: userAgent(str(p.userAgent)) ?? { os: { name: str(device.operatingSystem) } },
      error: failed ? { code: errorCode, message: str(status.failureReason) } : undefined,
      azure: {
        tenant_id: str(r.tenantId) ?? str(p.tenantId),
        correlation_id: str(r.correlationId) ?? str(p.correlationId),
        signinlogs: {
          category: str(r.category),
          app_id: str(p.appId),
          app_display_name: str(p.appDisplayName),
          client_app_used: str(p.clientAppUsed),
          conditional_access_status: str(p.conditionalAccessStatus),
          is_interactive: typeof p.isInteractive === 'boolean' ? p.isInteractive : undefined,
          risk_level_during_signin: str(p.riskLevelDuringSignIn),
          browser: str(device.browser),
          authentication_requirement: str(p.authenticationRequirement),
        },
      },
    },
  );
}
