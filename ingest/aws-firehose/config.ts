import type { AwsFirehoseInputConfig } from '../../core/config/types.js';

/** Defaults the config loader applies to a `type: aws-firehose` input (the schema holds the same). */
export const FIREHOSE_DEFAULTS = {
  host: '127.0.0.1',
  maxBodyBytes: 96 * 1024 * 1024,
  maxRecordBytes: 1024 * 1024,
  dedupRequests: 10_000,
  keepOriginal: true,
} as const satisfies Partial<AwsFirehoseInputConfig>;

export function withFirehoseDefaults(
  cfg: Pick<AwsFirehoseInputConfig, 'id' | 'port' | 'accessKey'> & Partial<AwsFirehoseInputConfig>,
): AwsFirehoseInputConfig {
  return { type: 'aws-firehose', ...FIREHOSE_DEFAULTS, ...cfg };
}
