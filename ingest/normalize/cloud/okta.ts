import type { EcsEvent } from '../../../core/event/index.js';
import { buildEvent, ipOf, obj, str, type Json, type RecordContext } from './common.js';

/** An Okta System Log LogEvent (`uuid`, `published`, `eventType`, `actor`). */
export function isOktaEvent(r: Json): boolean {
  return typeof r.uuid === 'string' && typeof r.eventType === 'string' && typeof r.published === 'string' && typeof r.actor === 'object';
}

/** `outcome.result`: SUCCESS, FAILURE, SKIPPED, ALLOW, DENY, CHALLENGE, UNKNOWN. */
function outcomeOf(result: string | undefined): 'success' | 'failure' | 'unknown' {
  if (result === 'SUCCESS' || result === 'ALLOW') return 'success';
  if (result === 'FAILURE' || result === 'DENY') return 'failure';
  return 'unknown';
}

/** event.category/type from the dotted `eventType` (Okta's event types catalog). */
function categorize(eventType: string): { category: string[]; type: string[] } {
  if (eventType === 'user.session.start') return { category: ['authentication', 'session'], type: ['start'] };
  if (eventType === 'user.session.end') return { category: ['authentication', 'session'], type: ['end'] };
  if (/^user\.(authentication|session|mfa)\./.test(eventType)) return { category: ['authentication'], type: ['info'] };
  if (eventType === 'user.lifecycle.create') return { category: ['iam'], type: ['user', 'creation'] };
  if (eventType === 'user.lifecycle.delete.initiated' || eventType === 'user.lifecycle.delete.completed') {
    return { category: ['iam'], type: ['user', 'deletion'] };
  }
  if (/^user\.(lifecycle|account)\./.test(eventType)) return { category: ['iam'], type: ['user', 'change'] };
  if (/^group\.user_membership\./.test(eventType)) return { category: ['iam'], type: ['group', 'change'] };
  if (/^group\.lifecycle\.create/.test(eventType)) return { category: ['iam'], type: ['group', 'creation'] };
  if (/^group\.lifecycle\.delete/.test(eventType)) return { category: ['iam'], type: ['group', 'deletion'] };
  if (/^(policy|application|system|zone|network_zone)\./.test(eventType)) {
    const type = /\.(create|add)/.test(eventType) ? 'creation' : /\.(delete|remove)/.test(eventType) ? 'deletion' : 'change';
    return { category: ['configuration'], type: [type] };
  }
  return { category: ['api'], type: ['info'] };
}

/**
 * One Okta System Log event → ECS (LogEvent object of the System Log API): `actor` is the user
 * acting, `target[]` what it acted on (a `User` target becomes user.target, a `UserGroup` its
 * group), `client` where it came from, `outcome.result` the result.
 */
export function normalizeOkta(r: Json, ctx: RecordContext, original: string): EcsEvent {
  const actor = obj(r.actor);
  const client = obj(r.client);
  const geo = obj(client.geographicalContext);
  const location = obj(geo.geolocation);
  const outcome = obj(r.outcome);
  const security = obj(r.securityContext);
  const targets = Array.isArray(r.target) ? r.target.map(obj) : [];
  const targetUser = targets.find((t) => t.type === 'User');
  const targetGroup = targets.find((t) => t.type === 'UserGroup');
  const ipChain = Array.isArray(obj(r.request).ipChain) ? (obj(r.request).ipChain as unknown[]).map((h) => ipOf(obj(h).ip)) : [];
  const eventType = str(r.eventType) ?? '';
  const { category, type } = categorize(eventType);
  const authn = obj(r.authenticationContext);
  return buildEvent(
    ctx,
    original,
    { time: r.published, dataset: 'okta.system', module: 'okta', uniqueId: str(r.uuid), relatedIps: ipChain },
    {
      message: str(r.displayMessage),
      event: {
        id: str(r.uuid),
        action: eventType,
        category,
        type,
        outcome: outcomeOf(str(outcome.result)),
        reason: str(outcome.reason),
      },
      log: { level: str(r.severity)?.toLowerCase() },
      user: {
        name: str(actor.alternateId),
        id: str(actor.id),
        full_name: str(actor.displayName),
        email: str(actor.alternateId)?.includes('@') ? str(actor.alternateId) : undefined,
        target: targetUser
          ? {
              name: str(targetUser.alternateId),
              id: str(targetUser.id),
              full_name: str(targetUser.displayName),
              group: targetGroup ? { name: str(targetGroup.displayName), id: str(targetGroup.id) } : undefined,
            }
          : targetGroup
            ? { group: { name: str(targetGroup.displayName), id: str(targetGroup.id) } }
            : undefined,
      },
      source: {
        ip: ipOf(client.ipAddress),
        geo: {
          city_name: str(geo.city),
          region_name: str(geo.state),
          country_name: str(geo.country),
          postal_code: str(geo.postalCode),
          location:
            typeof location.lat === 'number' && typeof location.lon === 'number' ? { lat: location.lat, lon: location.lon } : undefined,
        },
        as: { number: typeof security.asNumber === 'number' ? security.asNumber : undefined, organization: { name: str(security.asOrg) } },
        domain: str(security.domain),
      },
      user_agent: {
        original: str(obj(client.userAgent).rawUserAgent),
        os: { name: str(obj(client.userAgent).os) },
        name: str(obj(client.userAgent).browser),
      },
      okta: {
        transaction: { id: str(obj(r.transaction).id), type: str(obj(r.transaction).type) },
        authentication_context: {
          authentication_provider: str(authn.authenticationProvider),
          credential_type: str(authn.credentialType),
          external_session_id: str(authn.externalSessionId),
        },
        security_context: { is_proxy: typeof security.isProxy === 'boolean' ? security.isProxy : undefined, isp: str(security.isp) },
        debug_context: { debug_data: isObjectWithKeys(obj(r.debugContext).debugData) ? obj(r.debugContext).debugData : undefined },
      },
    },
  );
}

function isObjectWithKeys(v: unknown): boolean {
  return typeof v === 'object' && v !== null && Object.keys(v).length > 0;
}
