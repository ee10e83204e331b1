import { array, boolean, number, object, string, type Infer } from '../../../core/config/dsl.js';
import { componentId, port } from '../../../core/config/fields.js';
import { connectionLimits, maxInFlightBytes, splunkTls } from '../../net/schema.js';
import { defaultsOf } from '../../../core/config/check.js';

export const schema = object({
  description: 'Receives Splunk HTTP Event Collector requests (`/services/collector/*`), as a Splunk indexer does.',
  fields: {
    id: componentId('input'),
    host: string({ description: 'Address to listen on.', minLength: 1, default: '127.0.0.1' }),
    port: port('Port to listen on (8088 by convention); 0 picks a free port.'),
    tokens: array({
      description: 'The HEC tokens clients may send as `Authorization: Splunk <token>`.',
      minItems: 1,
      items: object({
        description: 'One token and what it may do.',
        fields: {
          token: string({
            description: 'The token value: at least 16 characters, not a placeholder.',
            minLength: 1,
            format: 'shared-secret',
            sensitive: true,
          }),
          name: string({ description: 'Shown in logs instead of the token.', minLength: 1, optional: true }),
          index: string({ description: 'Index given to events that name none.', minLength: 1, optional: true }),
          indexes: array({
            description: 'Indexes events may name; any other is refused with code 7. Unset: any.',
            items: string({ description: 'An index name.', minLength: 1 }),
            optional: true,
          }),
          sourcetype: string({ description: 'Sourcetype given to events that name none.', minLength: 1, optional: true }),
          source: string({ description: 'Source given to events that name none.', minLength: 1, optional: true }),
          ack: boolean({
            description:
              'Indexer acknowledgement: requests need a channel, get an ackId at once, and the ackId turns true once Kafka has the events.',
            default: false,
          }),
          disabled: boolean({ description: 'Refuse the token (code 1, Token disabled).', default: false }),
        },
      }),
    }),
    maxBodyBytes: number({
      description: 'Largest request body, in bytes, before and after gzip; larger is refused with 413.',
      int: true,
      min: 1024,
      max: 1024 * 1024 * 1024,
      default: 16 * 1024 * 1024,
    }),
    allowQueryStringToken: boolean({ description: 'Accept the token as `?token=` (refused with code 16 when off).', default: false }),
    keepOriginal: boolean({ description: "Keep each event's text or JSON in `event.original`.", default: true }),
    ackMaxPerChannel: number({
      description: 'ackIds one channel may hold until queried; past it, requests get code 9 (Server is busy).',
      int: true,
      min: 1,
      max: 10_000_000,
      default: 10_000,
    }),
    ackMaxChannels: number({
      description: 'Acknowledgement channels at once; past it, requests on a new channel get code 9.',
      int: true,
      min: 1,
      max: 1_000_000,
      default: 1000,
    }),
    ackIdleTimeoutSeconds: number({
      description: 'A channel unused this long, in seconds, is forgotten with its ackIds.',
      int: true,
      min: 1,
      max: 86400,
      default: 600,
    }),
    maxPendingEvents: number({
      description: 'Events accepted but not yet acknowledged by Kafka; past it, requests get code 9 and health answers 503.',
      int: true,
      min: 1,
      max: 100_000_000,
      default: 100_000,
    }),
    maxInFlightBytes: maxInFlightBytes(256 * 1024 * 1024, 'code 9 (Server is busy, 503)'),
    ...connectionLimits({ perPeer: 64, idleSeconds: 300 }),
    tls: splunkTls,
  },
});

/** A `type: splunk-hec` input, as loaded. */
export type SplunkHecInputConfig = { type: 'splunk-hec' } & Infer<typeof schema>;
/** One HEC token and what it may do. */
export type SplunkHecTokenConfig = SplunkHecInputConfig['tokens'][number];

/** What the schema declares as defaults, for code that builds a `SplunkHecInputConfig` without the loader. */
export const HEC_INPUT_DEFAULTS = defaultsOf(schema) satisfies Partial<SplunkHecInputConfig>;

type TokenInput = Pick<SplunkHecTokenConfig, 'token'> & Partial<SplunkHecTokenConfig>;

/** Applies the defaults to what a user (or a test) wrote. */
export function withHecDefaults(
  cfg: Pick<SplunkHecInputConfig, 'id' | 'port'> & Partial<Omit<SplunkHecInputConfig, 'tokens'>> & { tokens: TokenInput[] },
): SplunkHecInputConfig {
  return {
    type: 'splunk-hec',
    ...HEC_INPUT_DEFAULTS,
    ...cfg,
    tokens: cfg.tokens.map((t) => ({ ack: false, disabled: false, ...t })),
  };
}

/** A token as the server uses it: its config and a printable name (never the secret). */
export interface ResolvedToken extends SplunkHecTokenConfig {
  label: string;
}

/** Splunk requires channels to be GUIDs (code 11 otherwise). */
export const CHANNEL_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
