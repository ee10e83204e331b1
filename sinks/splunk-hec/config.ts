import { boolean, number, object, string, type FieldProblem, type Infer } from '../../core/config/dsl.js';
import { componentId } from '../../core/config/fields.js';
import { runnerFields } from '../runner/config.js';
import { defaultsOf } from '../../core/config/check.js';

const metadata = (field: string, from: string) =>
  string({
    description: `Splunk \`${field}\` of every event this sink sends, instead of the one mapped from the event (${from}).`,
    minLength: 1,
    optional: true,
  });

export const schema = object({
  description: 'Sends Vigil topics to a Splunk HTTP Event Collector, with indexer acknowledgement.',
  fields: {
    id: componentId('sink'),
    url: string({
      description: 'Base URL of the collector (`https://splunk.example.com:8088`); events go to `/services/collector/event`.',
      format: 'http-url',
    }),
    token: string({ description: 'The HEC token, sent as `Authorization: Splunk <token>`.', minLength: 1, sensitive: true }),
    ...runnerFields,
    index: metadata('index', "the index the event came in with, else the token's default index"),
    sourcetype: metadata('sourcetype', 'the sourcetype it came in with, else `event.dataset`, else `vigil:<topic>`'),
    source: metadata('source', 'the source it came in with, else `log.file.path`, else `vigil:<input id>`'),
    host: metadata('host', '`host.name`, else `host.hostname`, else `observer.hostname`'),
    batchMaxEvents: number({ description: 'Events per HEC request.', int: true, min: 1, max: 100_000, default: 1000 }),
    batchMaxBytes: number({
      description: 'Bytes per HEC request before gzip (Splunk refuses bodies past its max_content_length, 800 MB by default).',
      int: true,
      min: 1024,
      max: 512 * 1024 * 1024,
      default: 1024 * 1024,
    }),
    gzip: boolean({ description: 'Compress request bodies (`Content-Encoding: gzip`).', default: true }),
    channels: number({
      description: 'Channels (GUIDs) requests are spread over; each is acknowledged on its own.',
      int: true,
      min: 1,
      max: 64,
      default: 4,
    }),
    concurrency: number({
      description:
        'HEC requests being sent at once, over the whole sink (a request waiting for its acknowledgement holds no place); also how many `batchSize` chunks of one Kafka batch are delivered at once.',
      int: true,
      min: 1,
      max: 64,
      default: 4,
    }),
    ack: boolean({
      description:
        'Indexer acknowledgement: a request counts as delivered only once `/services/collector/ack` says true (the token must have it on).',
      default: true,
    }),
    ackPollMs: number({ description: 'Interval between acknowledgement polls, in ms.', int: true, min: 10, max: 60_000, default: 500 }),
    ackTimeoutSeconds: number({
      description: 'A request not acknowledged within this many seconds is sent again (its ackId expired or was lost).',
      int: true,
      min: 1,
      max: 3600,
      default: 20,
    }),
    requestTimeoutSeconds: number({ description: 'Timeout of one HTTP request, in seconds.', int: true, min: 1, max: 600, default: 30 }),
    rejectUnauthorized: boolean({ description: "Verify the collector's TLS certificate against the system CAs.", default: true }),
  },
  check: (value) => ackWithinTimeout(value as { ack: boolean; ackTimeoutSeconds: number; timeoutMs: number }),
});

/** A delivery call waits for its acknowledgements: the runner must not abort it first. */
function ackWithinTimeout(v: { ack: boolean; ackTimeoutSeconds: number; timeoutMs: number }): FieldProblem[] {
  return v.ack && v.ackTimeoutSeconds * 1000 >= v.timeoutMs
    ? [
        {
          code: 'CONFIG_CONFLICT',
          field: 'ackTimeoutSeconds',
          message: `must be shorter than timeoutMs (${v.timeoutMs} ms): a delivery call waits for its acknowledgements`,
        },
      ]
    : [];
}

/** A `type: splunk-hec` sink, as loaded. */
export type SplunkHecSinkConfig = { type: 'splunk-hec' } & Infer<typeof schema>;

/** Splunk metadata a sink (or, later, a route) fixes instead of mapping it from the event. */
export type HecMetadataOverrides = Partial<Pick<SplunkHecSinkConfig, 'index' | 'sourcetype' | 'source' | 'host'>>;

/** What the schema declares as defaults, for code that builds a `SplunkHecSinkConfig` without the loader. */
export const HEC_SINK_DEFAULTS = defaultsOf(schema) satisfies Partial<SplunkHecSinkConfig>;

/** Applies the defaults to what a test or a caller wrote. */
export function withHecSinkDefaults(
  cfg: Pick<SplunkHecSinkConfig, 'id' | 'url' | 'token'> & Partial<SplunkHecSinkConfig>,
): SplunkHecSinkConfig {
  return { type: 'splunk-hec', ...HEC_SINK_DEFAULTS, topics: [...HEC_SINK_DEFAULTS.topics], ...cfg };
}
