import { boolean, number, object, oneOf, string, type FieldProblem, type Infer } from '../../core/config/dsl.js';
import { componentId } from '../../core/config/fields.js';
import { runnerFields } from '../runner/config.js';
import { defaultsOf } from '../../core/config/check.js';

export const schema = object({
  description: 'POSTs records to any HTTP endpoint, as NDJSON or a JSON array per request.',
  fields: {
    id: componentId('sink'),
    ...runnerFields,
    url: string({ description: 'Where to send each batch.', format: 'http-url' }),
    method: oneOf({ description: 'HTTP method of each request.', values: ['POST', 'PUT'], default: 'POST' }),
    format: oneOf({
      description: '`ndjson` (one JSON record a line, `application/x-ndjson`) or `json-array` (one array per request, `application/json`).',
      values: ['ndjson', 'json-array'],
      default: 'ndjson',
    }),
    gzip: boolean({ description: 'Compress request bodies (`Content-Encoding: gzip`).', default: true }),
    auth: object({
      description: 'A header that authenticates each request (`Authorization: Bearer …`).',
      optional: true,
      fields: {
        header: string({ description: 'Header name.', minLength: 1, default: 'Authorization' }),
        value: string({
          description: 'Header value, e.g. `Bearer ${HTTP_SINK_TOKEN}`: take it from the environment. Exclusive with `valueFile`.',
          format: 'shared-secret',
          optional: true,
          sensitive: true,
        }),
        valueFile: string({
          description: 'File holding the header value (read at start, surrounding whitespace trimmed), e.g. a mounted secret.',
          minLength: 1,
          optional: true,
        }),
      },
    }),
    batchMaxEvents: number({ description: 'Records per request at most.', int: true, min: 1, max: 100_000, default: 500 }),
    batchMaxBytes: number({
      description: 'Bytes per request at most, before gzip; a single larger record travels alone.',
      int: true,
      min: 1024,
      max: 256 * 1024 * 1024,
      default: 1024 * 1024,
    }),
    lingerMs: number({
      description: 'How long a request waits for more records (from other partitions) before it goes out not full, in ms.',
      int: true,
      min: 0,
      max: 60_000,
      default: 50,
    }),
    maxRetryAfterSeconds: number({
      description: 'Longest `Retry-After` (of a 429 or 503) honoured, in seconds; a longer one is cut to this.',
      int: true,
      min: 1,
      max: 3600,
      default: 60,
    }),
    rejectUnauthorized: boolean({ description: "Verify the endpoint's TLS certificate against the system CAs.", default: true }),
  },
  check: (value) => authProblems(value as { auth?: { value?: string; valueFile?: string } }),
});

function authProblems(v: { auth?: { value?: string; valueFile?: string } }): FieldProblem[] {
  if (v.auth && (v.auth.value === undefined) === (v.auth.valueFile === undefined)) {
    return [{ code: 'CONFIG_CONFLICT', field: 'auth.value', message: 'set exactly one of auth.value and auth.valueFile' }];
  }
  return [];
}

/** A `type: http` sink, as loaded. */
export type HttpSinkConfig = { type: 'http' } & Infer<typeof schema>;

/** What the schema declares as defaults, for code that builds a `HttpSinkConfig` without the loader. */
export const HTTP_SINK_DEFAULTS = defaultsOf(schema) satisfies Partial<HttpSinkConfig>;

/** Applies the defaults to what a test or a caller wrote. */
export function withHttpSinkDefaults(cfg: Pick<HttpSinkConfig, 'id' | 'url'> & Partial<HttpSinkConfig>): HttpSinkConfig {
  return { type: 'http', ...HTTP_SINK_DEFAULTS, topics: [...HTTP_SINK_DEFAULTS.topics], ...cfg };
}
