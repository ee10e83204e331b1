import { boolean, number, object, string, type FieldProblem, type Infer } from '../../core/config/dsl.js';
import { componentId } from '../../core/config/fields.js';
import { runnerFields } from '../runner/config.js';
import { defaultsOf } from '../../core/config/check.js';

export const schema = object({
  description: 'Bulk-indexes Vigil topics into an OpenSearch cluster, one document per record id.',
  fields: {
    id: componentId('sink'),
    ...runnerFields,
    node: string({ description: 'URL of an OpenSearch node.', format: 'http-url' }),
    username: string({ description: 'Basic-auth user name; unset when the cluster has security off.', minLength: 1, optional: true }),
    password: string({ description: 'Basic-auth password, with `username`; use `${ENV_VAR}`.', optional: true, sensitive: true }),
    indexPrefix: string({
      description: 'Index names are `<indexPrefix>-<events|alerts|incidents|actions>`, as the Elasticsearch sink names them.',
      format: 'index-prefix',
      default: 'vigil',
    }),
    namespace: string({
      description:
        'Name events and alerts by the data stream naming scheme instead, `logs-vigil.<events|alerts>-<namespace>` (lowercase letters, digits, `_`). Optional.',
      optional: true,
    }),
    tls: object({
      description: 'How to trust the certificate of an `https://` node.',
      optional: true,
      fields: {
        caFile: string({
          description: 'CA bundle (PEM) the node certificate must chain to, instead of the system CAs.',
          minLength: 1,
          optional: true,
        }),
        rejectUnauthorized: boolean({ description: 'Refuse a node whose certificate cannot be verified.', default: true }),
      },
    }),
    requestTimeoutSeconds: number({ description: 'Timeout of one bulk request, in seconds.', int: true, min: 1, max: 600, default: 30 }),
  },
  check: (value) => problems(value as { username?: string; password?: string; namespace?: string }),
});

function problems(v: { username?: string; password?: string; namespace?: string }): FieldProblem[] {
  const out: FieldProblem[] = [];
  if ((v.username === undefined) !== (v.password === undefined)) {
    out.push({
      code: 'CONFIG_CONFLICT',
      field: v.username === undefined ? 'password' : 'username',
      message: 'username and password go together',
    });
  }
  if (v.namespace !== undefined && !/^[a-z0-9_]{1,100}$/.test(v.namespace)) {
    out.push({ code: 'CONFIG_FORMAT', field: 'namespace', message: 'must be lowercase letters, digits or `_` (a data stream namespace)' });
  }
  return out;
}

/** A `type: opensearch` sink, as loaded. */
export type OpenSearchSinkConfig = { type: 'opensearch' } & Infer<typeof schema>;

/** What the schema declares as defaults, for code that builds a `OpenSearchSinkConfig` without the loader. */
export const OPENSEARCH_SINK_DEFAULTS = defaultsOf(schema) satisfies Partial<OpenSearchSinkConfig>;

/** Applies the defaults to what a test or a caller wrote. */
export function withOpenSearchSinkDefaults(
  cfg: Pick<OpenSearchSinkConfig, 'id' | 'node'> & Partial<OpenSearchSinkConfig>,
): OpenSearchSinkConfig {
  return { type: 'opensearch', ...OPENSEARCH_SINK_DEFAULTS, topics: [...OPENSEARCH_SINK_DEFAULTS.topics], ...cfg };
}
