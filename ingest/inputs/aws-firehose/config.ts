import { boolean, number, object, string, type Infer } from '../../../core/config/dsl.js';
import { componentId, port } from '../../../core/config/fields.js';
import { connectionLimits, maxInFlightBytes } from '../../net/schema.js';
import { defaultsOf } from '../../../core/config/check.js';

export const schema = object({
  description: 'Receives Amazon Data Firehose deliveries (HTTP endpoint destination), CloudWatch Logs subscriptions included.',
  fields: {
    id: componentId('input'),
    host: string({ description: 'Address to listen on.', minLength: 1, default: '127.0.0.1' }),
    port: port('Port to listen on; 0 picks a free port. Firehose needs HTTPS: put a TLS proxy or load balancer in front.'),
    accessKey: string({
      description:
        'The access key set on the delivery stream, checked against `X-Amz-Firehose-Access-Key`: at least 16 characters, not a placeholder.',
      minLength: 1,
      format: 'shared-secret',
      sensitive: true,
    }),
    maxBodyBytes: number({
      description: 'Largest request body, in bytes; larger gets 413 (Firehose buffers up to 64 MiB, which base64 grows by a third).',
      int: true,
      min: 1024,
      max: 1024 * 1024 * 1024,
      default: 96 * 1024 * 1024,
    }),
    maxInFlightBytes: maxInFlightBytes(512 * 1024 * 1024, '503'),
    maxRecordBytes: number({
      description: 'Largest decoded record, in bytes; larger ones are dead-lettered (Firehose records are at most 1000 KiB).',
      int: true,
      min: 1024,
      max: 64 * 1024 * 1024,
      default: 1024 * 1024,
    }),
    dedupRequests: number({
      description: 'Request ids remembered, so that a retried request already written is answered without writing it again.',
      int: true,
      min: 0,
      max: 10_000_000,
      default: 10_000,
    }),
    keepOriginal: boolean({ description: "Keep each record's text in `event.original`.", default: true }),
    ...connectionLimits({ perPeer: 1024, idleSeconds: 300 }),
  },
});

/** A `type: aws-firehose` input, as loaded. */
export type AwsFirehoseInputConfig = { type: 'aws-firehose' } & Infer<typeof schema>;

/** What the schema declares as defaults, for code that builds a `AwsFirehoseInputConfig` without the loader. */
export const FIREHOSE_DEFAULTS = defaultsOf(schema) satisfies Partial<AwsFirehoseInputConfig>;

/** The connection limits a hand-built config without them gets. */
export const FIREHOSE_LIMIT_DEFAULTS = {
  maxConnections: FIREHOSE_DEFAULTS.maxConnections,
  maxConnectionsPerPeer: FIREHOSE_DEFAULTS.maxConnectionsPerPeer,
  idleTimeoutSeconds: FIREHOSE_DEFAULTS.idleTimeoutSeconds,
};

export function withFirehoseDefaults(
  cfg: Pick<AwsFirehoseInputConfig, 'id' | 'port' | 'accessKey'> & Partial<AwsFirehoseInputConfig>,
): AwsFirehoseInputConfig {
  return { type: 'aws-firehose', ...FIREHOSE_DEFAULTS, ...cfg };
}
