import { boolean, number, object, string, type Infer, type FieldProblem } from '../../../core/config/dsl.js';
import { componentId, port } from '../../../core/config/fields.js';
import { authNone, connectionLimits, splunkTls } from '../../net/schema.js';
import { unauthenticated } from '../../net/auth.js';
import { defaultsOf } from '../../../core/config/check.js';

export const schema = object({
  description: 'Receives Splunk universal/heavy forwarder traffic over S2S (cooked mode v3), as a Splunk indexer does.',
  fields: {
    id: componentId('input'),
    host: string({ description: 'Address to listen on.', minLength: 1, default: '127.0.0.1' }),
    port: port('Port to listen on (9997 by convention); 0 picks a free port.'),
    maxMessageBytes: number({
      description: 'Largest S2S message, in bytes; a larger one is dead-lettered and its connection closed.',
      int: true,
      min: 4096,
      max: 256 * 1024 * 1024,
      default: 4 * 1024 * 1024,
    }),
    keepOriginal: boolean({ description: "Keep each event's `_raw` in `event.original`.", default: true }),
    ...connectionLimits({ perPeer: 64, idleSeconds: 600 }),
    tls: splunkTls,
    auth: authNone('TLS requires client certificates (`tls.enabled`, `tls.caFile`, `tls.requireClientCert`)'),
  },
  check: s2sInputProblems,
});

/** A `type: splunk-s2s` input, as loaded. */
export type SplunkS2sInputConfig = { type: 'splunk-s2s' } & Infer<typeof schema>;

/** Senders authenticate with client certificates, or the config says `auth: none`. */
function s2sInputProblems(value: unknown): FieldProblem[] {
  const input = value as SplunkS2sInputConfig;
  if (input.auth === 'none') return [];
  const t = input.tls;
  if (t?.enabled && t.requireClientCert && t.caFile !== undefined) return [];
  return unauthenticated('splunk-s2s has no authentication: set tls.enabled, tls.caFile and tls.requireClientCert (mutual TLS)');
}

/** What the schema declares as defaults, for code that builds a `SplunkS2sInputConfig` without the loader. */
export const S2S_INPUT_DEFAULTS = defaultsOf(schema) satisfies Partial<SplunkS2sInputConfig>;

export function withS2sDefaults(cfg: Pick<SplunkS2sInputConfig, 'id' | 'port'> & Partial<SplunkS2sInputConfig>): SplunkS2sInputConfig {
  return { type: 'splunk-s2s', ...S2S_INPUT_DEFAULTS, ...cfg };
}
