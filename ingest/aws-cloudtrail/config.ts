import type { AwsCloudTrailInputConfig } from '../../core/config/types.js';

/** Defaults the config loader applies to a `type: aws-cloudtrail` input (the schema holds the same). */
export const CLOUDTRAIL_DEFAULTS = {
  region: 'us-east-1',
  forcePathStyle: false,
  waitTimeSeconds: 20,
  maxMessages: 10,
  scanIntervalSeconds: 60,
  keepOriginal: true,
} as const satisfies Partial<AwsCloudTrailInputConfig>;

export function withCloudTrailDefaults(
  cfg: Pick<AwsCloudTrailInputConfig, 'id'> & Partial<AwsCloudTrailInputConfig>,
): AwsCloudTrailInputConfig {
  return { type: 'aws-cloudtrail', ...CLOUDTRAIL_DEFAULTS, ...cfg };
}
