import { boolean, number, object, string, type Infer, type FieldProblem } from '../../../core/config/dsl.js';
import { componentId, port } from '../../../core/config/fields.js';
import { authNone, connectionLimits, maxInFlightBytes } from '../../net/schema.js';
import { unauthenticated } from '../../net/auth.js';
import { defaultsOf } from '../../../core/config/check.js';

export const schema = object({
  description: 'Receives Google Cloud Pub/Sub push deliveries (Cloud Audit Logs through a log sink, or any JSON).',
  fields: {
    id: componentId('input'),
    host: string({ description: 'Address to listen on.', minLength: 1, default: '127.0.0.1' }),
    port: port('Port to listen on; 0 picks a free port. Pub/Sub pushes to HTTPS: put a TLS proxy in front.'),
    token: string({
      description:
        'Shared secret the push endpoint URL carries as `?token=`; requests without it get 401. Checked on top of `oidc`, it does not replace it (URLs end up in logs).',
      format: 'shared-secret',
      optional: true,
      sensitive: true,
    }),
    oidc: object({
      description:
        'Verify the OIDC token (`Authorization: Bearer`, RS256, signed by Google) that an authenticated push subscription sends; other requests get 401, or 403 for another service account.',
      optional: true,
      fields: {
        audience: string({
          description: "The subscription's push auth audience (`--push-auth-token-audience`; by default the push endpoint URL).",
          minLength: 1,
        }),
        serviceAccountEmail: string({
          description: "The subscription's push auth service account (`--push-auth-service-account`); tokens for any other are refused.",
          minLength: 3,
        }),
        jwksUrl: string({
          description: "Where Google's token signing keys are published (JWKS), cached as long as its `Cache-Control: max-age` says.",
          format: 'http-url',
          default: 'https://www.googleapis.com/oauth2/v3/certs',
        }),
      },
    }),
    auth: authNone('`oidc` is set'),
    maxBodyBytes: number({
      description: 'Largest request body, in bytes; larger gets 413.',
      int: true,
      min: 1024,
      max: 256 * 1024 * 1024,
      default: 16 * 1024 * 1024,
    }),
    maxInFlightBytes: maxInFlightBytes(256 * 1024 * 1024, '503'),
    keepOriginal: boolean({ description: "Keep each record's JSON in `event.original`.", default: true }),
    ...connectionLimits({ perPeer: 1024, idleSeconds: 300 }),
  },
  check: pubSubInputProblems,
});

/** A `type: gcp-pubsub` input, as loaded. */
export type GcpPubSubInputConfig = { type: 'gcp-pubsub' } & Infer<typeof schema>;
/** The identity an authenticated Pub/Sub push subscription signs its requests with. */
export type PubSubOidcConfig = NonNullable<GcpPubSubInputConfig['oidc']>;

/** Pushes carry a verified OIDC token, or the config says `auth: none`. */
function pubSubInputProblems(value: unknown): FieldProblem[] {
  const input = value as GcpPubSubInputConfig;
  if (input.auth === 'none' || input.oidc !== undefined) return [];
  const token = input.token !== undefined ? ' (a `?token=` in the URL does not count: it ends up in access logs)' : '';
  return unauthenticated(
    `gcp-pubsub has no authentication${token}: set oidc.audience and oidc.serviceAccountEmail of the authenticated push subscription`,
  );
}

/** What the schema declares as defaults, for code that builds a `GcpPubSubInputConfig` without the loader. */
export const PUBSUB_DEFAULTS = defaultsOf(schema) satisfies Partial<GcpPubSubInputConfig>;

export function withPubSubDefaults(cfg: Pick<GcpPubSubInputConfig, 'id' | 'port'> & Partial<GcpPubSubInputConfig>): GcpPubSubInputConfig {
  return { type: 'gcp-pubsub', ...PUBSUB_DEFAULTS, ...cfg };
}
