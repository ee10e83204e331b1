import { boolean, number, object, string, type Infer } from '../../../core/config/dsl.js';
import { componentId } from '../../../core/config/fields.js';
import { defaultsOf } from '../../../core/config/check.js';

export const schema = object({
  description: 'Reads CloudTrail log files from S3 as SQS notifications announce them, or from a directory of `.json.gz` files.',
  fields: {
    id: componentId('input'),
    queueUrl: string({
      description: 'URL of the SQS queue receiving the bucket notifications. Set this or `directory`.',
      format: 'http-url',
      optional: true,
    }),
    directory: string({
      description: 'A folder of CloudTrail `.json.gz` files, read recursively, instead of S3. Set this or `queueUrl`.',
      minLength: 1,
      optional: true,
    }),
    region: string({ description: 'AWS region of the queue and bucket.', minLength: 1, default: 'us-east-1' }),
    endpoint: string({
      description: 'Endpoint for S3 and SQS instead of AWS (an S3-compatible store, a local test server).',
      format: 'http-url',
      optional: true,
    }),
    forcePathStyle: boolean({
      description: 'Address S3 objects as `endpoint/bucket/key` instead of `bucket.endpoint/key`.',
      default: false,
    }),
    accessKeyId: string({
      description: 'Static AWS access key id; unset uses the SDK default credential chain.',
      optional: true,
      sensitive: true,
    }),
    secretAccessKey: string({ description: 'Secret of `accessKeyId`.', optional: true, sensitive: true }),
    waitTimeSeconds: number({ description: 'SQS long-poll wait, in seconds.', int: true, min: 0, max: 20, default: 20 }),
    maxMessages: number({ description: 'SQS messages per receive.', int: true, min: 1, max: 10, default: 10 }),
    visibilityTimeoutSeconds: number({
      description:
        'Visibility timeout asked for on receive, in seconds; it must outlast reading the largest file. Unset keeps the queue setting.',
      int: true,
      min: 0,
      max: 43200,
      optional: true,
    }),
    scanIntervalSeconds: number({
      description: 'Directory mode: seconds between scans for new files.',
      int: true,
      min: 1,
      max: 86400,
      default: 60,
    }),
    stateFile: string({
      description: 'Directory mode: file remembering the files already read. Default `.vigil/state/<id>.json`.',
      minLength: 1,
      optional: true,
    }),
    keepOriginal: boolean({ description: "Keep each record's JSON in `event.original`.", default: true }),
  },
});

/** A `type: aws-cloudtrail` input, as loaded. */
export type AwsCloudTrailInputConfig = { type: 'aws-cloudtrail' } & Infer<typeof schema>;

/** What the schema declares as defaults, for code that builds a `AwsCloudTrailInputConfig` without the loader. */
export const CLOUDTRAIL_DEFAULTS = defaultsOf(schema) satisfies Partial<AwsCloudTrailInputConfig>;

export function withCloudTrailDefaults(
  cfg: Pick<AwsCloudTrailInputConfig, 'id'> & Partial<AwsCloudTrailInputConfig>,
): AwsCloudTrailInputConfig {
  return { type: 'aws-cloudtrail', ...CLOUDTRAIL_DEFAULTS, ...cfg };
}
