import type { EcsEvent } from '../../../core/event/index.js';
import { countUnmapped } from '../unmapped.js';
import { buildEvent, ipOf, obj, str, verbType, type Json, type RecordContext } from './common.js';
import { OKTA_EVENT_TYPES, OKTA_FAMILIES, type OktaCategorization } from './okta-event-types.js';
import { userAgent as parseUserAgent } from '../user-agent.js';

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

/** event.category/type of an event type: Elastic's table, else its family's, else none (counted as unmapped). */
function categorize(eventType: string): OktaCategorization | undefined {
  if (Object.hasOwn(OKTA_EVENT_TYPES, eventType)) return OKTA_EVENT_TYPES[eventType];
  for (const [prefix, cat] of OKTA_FAMILIES) if (eventType.startsWith(prefix)) return cat;
  const verb = /^(policy|application|system|zone|network_zone)\./.test(eventType) ? verbType(eventType.replace(/\./g, ' ')) : undefined;
  if (verb) return { category: ['configuration'], type: [verb === 'access' ? 'info' : verb] };
  return undefined;
}

/**
 * The actor's login split as Elastic's content reads it: `jane.doe@example.com` is user
 * `jane.doe` of domain `example.com`, with that address as e-mail; a login without `@` (API
 * clients, `system@okta.com` aside) is the name alone.
 */
export function splitLogin(login: string | undefined): { name?: string; domain?: string; email?: string } {
  if (!login) return {};
  const at = login.lastIndexOf('@');
  if (at <= 0 || at === login.length - 1) return { name: login };
  return { name: login.slice(0, at), domain: login.slice(at + 1), email: login };
}

/**
 * One Okta System Log event → ECS, as Elastic's okta integration writes it: the actor is
 * `user.*` (login split into name, domain and e-mail) and also `source.user` / `client.user`;
 * `client.ipAddress` is `client.ip` and `source.ip`; Okta's own geolocation of the client is
 * `client.geo` (`source.geo` is left to GeoIP enrichment); the record's parts are kept under
 * `okta.*` (`actor`, `client`, `outcome`, `event_type`, …). A `User` target is `user.target`, a
 * `UserGroup` target its group.
 */
export function normalizeOkta(r: Json, ctx: RecordContext, original: string): EcsEvent {
  const actor = obj(r.actor);
  const client = obj(r.client);
  const geo = obj(client.geographicalContext);
  const location = obj(geo.geolocation);
  const outcome = obj(r.outcome);
  const security = obj(r.securityContext);
  const userAgent = obj(client.userAgent);
  const targets = Array.isArray(r.target) ? r.target.map(obj) : [];
  const targetUser = targets.find((t) => str(t.type)?.toLowerCase() === 'user');
  const targetGroup = targets.find((t) => str(t.type)?.toLowerCase() === 'usergroup');
  const ipChain = Array.isArray(obj(r.request).ipChain) ? (obj(r.request).ipChain as unknown[]).map((h) => ipOf(obj(h).ip)) : [];
  const eventType = str(r.eventType) ?? '';
  const cat = categorize(eventType);
  if (!cat) countUnmapped('okta', eventType);
  const authn = obj(r.authenticationContext);
  const login = splitLogin(str(actor.alternateId));
  const actorId = str(actor.id);
  const fullName = str(actor.displayName);
  const clientIp = ipOf(client.ipAddress);
  const domain = str(security.domain);
  const actorUser = { name: login.name, id: actorId, full_name: fullName };
  return buildEvent(
    ctx,
    original,
    {
      time: r.published,
      dataset: 'okta.system',
      module: 'okta',
      uniqueId: str(r.uuid),
      relatedIps: ipChain,
      relatedUsersOnly: true,
      relatedUsers: [login.name, fullName, str(targetUser?.displayName)],
    },
    {
      message: str(r.displayMessage),
      event: {
        id: str(r.uuid),
        action: eventType,
        category: cat && cat.category.length > 0 ? [...cat.category] : undefined,
        type: cat && cat.type.length > 0 ? [...cat.type] : undefined,
        outcome: outcomeOf(str(outcome.result)),
        reason: str(outcome.reason),
      },
      log: { level: str(r.severity)?.toLowerCase() },
      user: {
        ...login,
        id: actorId,
        full_name: fullName,
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
      source: { ip: clientIp, domain, user: actorUser },
      client: {
        ip: clientIp,
        domain,
        user: actorUser,
        geo: {
          city_name: str(geo.city),
          region_name: str(geo.state),
          country_name: str(geo.country),
          postal_code: str(geo.postalCode),
          location:
            typeof location.lat === 'number' && typeof location.lon === 'number' ? { lat: location.lat, lon: location.lon } : undefined,
        },
        as: { organization: { name: str(security.asOrg) } },
      },
      user_agent: parseUserAgent(str(userAgent.rawUserAgent)),
      okta: {
        uuid: str(r.uuid),
        event_type: eventType,
        display_message: str(r.displayMessage),
        actor: { id: actorId, type: str(actor.type), alternate_id: str(actor.alternateId), display_name: fullName },
        client: {
          ip: clientIp,
          id: str(client.id),
          device: str(client.device),
          zone: str(client.zone),
          user_agent: { raw_user_agent: str(userAgent.rawUserAgent), os: str(userAgent.os), browser: str(userAgent.browser) },
        },
        outcome: { result: str(outcome.result), reason: str(outcome.reason) },
        transaction: { id: str(obj(r.transaction).id), type: str(obj(r.transaction).type) },
        authentication_context: {
          authentication_provider: str(authn.authenticationProvider),
          credential_type: str(authn.credentialType),
          external_session_id: str(authn.externalSessionId),
        },
        security_context: {
          as: {
            number: typeof security.asNumber === 'number' ? security.asNumber : undefined,
            organization: { name: str(security.asOrg) },
          },
          domain,
          is_proxy: typeof security.isProxy === 'boolean' ? security.isProxy : undefined,
          isp: str(security.isp),
        },
        debug_context: { debug_data: isObjectWithKeys(obj(r.debugContext).debugData) ? obj(r.debugContext).debugData : undefined },
      },
    },
  );
}

function isObjectWithKeys(v: unknown): boolean {
  return typeof v === 'object' && v !== null && Object.keys(v).length > 0;
}
