import type { AwsFirehoseInputConfig } from '../../core/config/types.js';
import { CONNECTION_LIMIT_DEFAULTS } from '../net/index.js';

/** Defaults the config loader applies to a `type: aws-firehose` input (the schema holds the same). */
export const FIREHOSE_DEFAULTS = {
  host: '127.0.0.1',
  maxBodyBytes: 96 * 1024 * 1024,
  maxRecordBytes: 1024 * 1024,
  dedupRequests: 10_000,
  keepOriginal: true,
  maxInFlightBytes: 512 * 1024 * 1024,
  ...CONNECTION_LIMIT_DEFAULTS,
  // Firehose pushes from AWS's shared address pool, usually through a TLS proxy of ours.
  maxConnectionsPerPeer: 1024,
} as const satisfies Partial<AwsFirehoseInputConfig>;

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
