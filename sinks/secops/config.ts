import { number, object, oneOf, string, type FieldProblem, type Infer } from '../../core/config/dsl.js';
import { componentId } from '../../core/config/fields.js';
import { runnerFields } from '../runner/config.js';
import { defaultsOf } from '../../core/config/check.js';

export const schema = object({
  description:
    'Sends Vigil topics to Google SecOps (Chronicle) through the Chronicle API import methods: UDM events (`events:import`) or unstructured logs (`logs:import`), as a service account.',
  fields: {
    id: componentId('sink'),
    ...runnerFields,
    mode: oneOf({
      description:
        '`udm`: each record mapped to a UDM event (see sinks/secops/udm.ts); `unstructured`: its original message, parsed by SecOps for `logType`.',
      values: ['udm', 'unstructured'],
      default: 'udm',
    }),
    endpoint: string({
      description: 'Regional Chronicle API endpoint (`https://chronicle.<region>.rep.googleapis.com`).',
      format: 'http-url',
      default: 'https://chronicle.us.rep.googleapis.com',
    }),
    project: string({ description: 'Google Cloud project (id or number) the SecOps instance is bound to.', minLength: 1 }),
    location: string({ description: 'Region of the instance (`us`, `europe`, …).', minLength: 1, default: 'us' }),
    instance: string({ description: 'The SecOps instance (customer) id, a UUID.', minLength: 1 }),
    logType: string({
      description: 'Log type the unstructured logs are parsed as (`WINEVTLOG`, `PAN_FIREWALL`, …); required with `mode: unstructured`.',
      minLength: 1,
      optional: true,
    }),
    credentialsFile: string({
      description:
        'Path of the service account key (JSON) whose account has the Chronicle API Editor role, or the events/logs import permission.',
      minLength: 1,
    }),
    tokenUri: string({
      description: "Where the signed JWT is exchanged for a token; unset: the key file's `token_uri`.",
      format: 'http-url',
      optional: true,
    }),
    scope: string({ description: 'OAuth2 scope of the token.', minLength: 1, default: 'https://www.googleapis.com/auth/cloud-platform' }),
    maxRequestBytes: number({
      description: 'Bytes of one import call; SecOps takes at most 1 MB per log and per request.',
      int: true,
      min: 1024,
      max: 4_000_000,
      default: 1_000_000,
    }),
    concurrency: number({ description: 'Calls in flight at once.', int: true, min: 1, max: 32, default: 2 }),
    maxRetryAfterSeconds: number({
      description: 'Longest wait a 429 (Retry-After, else 5 s) is honoured for before the call is tried again.',
      int: true,
      min: 1,
      max: 3600,
      default: 60,
    }),
  },
  check: (value) => {
    const v = value as { mode: string; logType?: string };
    const problems: FieldProblem[] = [];
    if (v.mode === 'unstructured' && v.logType === undefined) {
      problems.push({
        code: 'CONFIG_REQUIRED',
        field: 'logType',
        message: 'mode: unstructured needs the log type SecOps parses the logs as',
      });
    }
    return problems;
  },
});

/** A `type: secops` sink, as loaded. */
export type SecopsSinkConfig = { type: 'secops' } & Infer<typeof schema>;

/** What the schema declares as defaults, for code that builds a `SecopsSinkConfig` without the loader. */
export const SECOPS_DEFAULTS = defaultsOf(schema) satisfies Partial<SecopsSinkConfig>;

/** Applies the defaults to what a test or a caller wrote. */
export function withSecopsDefaults(
  cfg: Pick<SecopsSinkConfig, 'id' | 'project' | 'instance' | 'credentialsFile'> & Partial<SecopsSinkConfig>,
): SecopsSinkConfig {
  return { type: 'secops', ...SECOPS_DEFAULTS, topics: [...SECOPS_DEFAULTS.topics], ...cfg };
}
