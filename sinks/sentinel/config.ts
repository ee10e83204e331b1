import { boolean, map, number, object, string, type Infer } from '../../core/config/dsl.js';
import { componentId } from '../../core/config/fields.js';
import { runnerFields } from '../runner/config.js';
import { defaultsOf } from '../../core/config/check.js';

/** The columns of a custom table made for Vigil: its time, and the ECS document as JSON (see columns.ts). */
export const DEFAULT_SENTINEL_COLUMNS = { TimeGenerated: '@timestamp', RawData: '$json' } as const;

export const schema = object({
  description:
    'Sends Vigil topics to Microsoft Sentinel through the Azure Monitor Logs Ingestion API (a data collection rule stream), with OAuth2 client credentials.',
  fields: {
    id: componentId('sink'),
    ...runnerFields,
    endpoint: string({
      description: 'Logs ingestion endpoint of the data collection endpoint or rule (`https://<dce>.<region>.ingest.monitor.azure.com`).',
      format: 'http-url',
    }),
    dcrImmutableId: string({ description: 'Immutable id of the data collection rule (`dcr-…`).', minLength: 1 }),
    stream: string({ description: 'The stream declared in the rule (`Custom-<Table>_CL` for a custom table).', minLength: 1 }),
    tenantId: string({ description: 'Microsoft Entra tenant (directory) id of the app registration.', minLength: 1 }),
    clientId: string({ description: 'Application (client) id of the app registration.', minLength: 1 }),
    clientSecret: string({
      description: 'Client secret of the app registration (the app needs Monitoring Metrics Publisher on the rule).',
      minLength: 1,
      sensitive: true,
    }),
    authorityHost: string({
      description: 'Microsoft Entra authority; tokens come from `<authorityHost>/<tenantId>/oauth2/v2.0/token`.',
      format: 'http-url',
      default: 'https://login.microsoftonline.com',
    }),
    scope: string({ description: 'OAuth2 scope of the token.', minLength: 1, default: 'https://monitor.azure.com//.default' }),
    columns: map({
      description:
        'Table column → what it holds: an ECS field (dotted path), `$json` (the whole document as a JSON string) or `$document` (the whole document, for a dynamic column). `TimeGenerated` is always sent, from `@timestamp` unless mapped.',
      values: string({ description: 'An ECS field, `$json` or `$document`.', minLength: 1 }),
      default: DEFAULT_SENTINEL_COLUMNS,
    }),
    gzip: boolean({ description: 'Compress request bodies (`Content-Encoding: gzip`).', default: true }),
    maxRequestBytes: number({
      description: 'Bytes of one call before compression; the API refuses calls over 1 MB.',
      int: true,
      min: 1024,
      max: 1_048_576,
      default: 1_000_000,
    }),
    concurrency: number({ description: 'Calls in flight at once.', int: true, min: 1, max: 32, default: 2 }),
    maxRetryAfterSeconds: number({
      description: 'Longest wait a 429 Retry-After is honoured for before the call is tried again.',
      int: true,
      min: 1,
      max: 3600,
      default: 60,
    }),
  },
});

/** A `type: sentinel` sink, as loaded. */
export type SentinelSinkConfig = { type: 'sentinel' } & Infer<typeof schema>;

/** What the schema declares as defaults, for code that builds a `SentinelSinkConfig` without the loader. */
export const SENTINEL_DEFAULTS = defaultsOf(schema) satisfies Partial<SentinelSinkConfig>;

/** Applies the defaults to what a test or a caller wrote. */
export function withSentinelDefaults(
  cfg: Pick<SentinelSinkConfig, 'id' | 'endpoint' | 'dcrImmutableId' | 'stream' | 'tenantId' | 'clientId' | 'clientSecret'> &
    Partial<SentinelSinkConfig>,
): SentinelSinkConfig {
  return {
    type: 'sentinel',
    ...SENTINEL_DEFAULTS,
    topics: [...SENTINEL_DEFAULTS.topics],
    columns: { ...SENTINEL_DEFAULTS.columns },
    ...cfg,
  };
}
