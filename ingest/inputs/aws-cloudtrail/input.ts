import type { AwsCloudTrailInputConfig } from './config.js';
import { VigilError } from '../../../core/errors/index.js';
import { logger, metrics } from '../../../core/telemetry/index.js';
import type { EmitTarget } from '../../normalize/cloud/index.js';
import { createCloudTrailAws, type CloudTrailAws } from './aws.js';
import { startDirectoryReader } from './directory.js';
import { startSqsPoller } from './sqs.js';

export interface CloudTrailInput {
  /** Not a listener: always 0. */
  port: number;
  close(): Promise<void>;
  connections(): never[];
}

/**
 * CloudTrail from S3 through SQS notifications (`queueUrl`) or from a directory of log files
 * (`directory`); exactly one of the two. `aws` replaces the SDK clients in unit tests.
 */
export async function startCloudTrailInput(
  cfg: AwsCloudTrailInputConfig,
  target: EmitTarget,
  aws?: CloudTrailAws,
): Promise<CloudTrailInput> {
  if ((cfg.queueUrl === undefined) === (cfg.directory === undefined)) {
    throw new VigilError('CONFIG_REQUIRED', 'an aws-cloudtrail input needs exactly one of queueUrl and directory', {
      location: { path: `inputs.${cfg.id}` },
    });
  }
  const log = logger(cfg.id, { kind: 'input', type: 'aws-cloudtrail' });
  const labels = { kind: 'input', id: cfg.id } as const;
  const clients = cfg.queueUrl !== undefined ? (aws ?? createCloudTrailAws(cfg)) : undefined;
  const poller = clients ? startSqsPoller(cfg, clients, target, log) : startDirectoryReader(cfg, target, log);
  metrics.up.set(labels, 1);
  log.info({ queueUrl: cfg.queueUrl, directory: cfg.directory }, 'cloudtrail input started');
  let closed: Promise<void> | undefined;
  return {
    port: 0,
    connections: () => [],
    close() {
      closed ??= poller.stop().then(() => {
        clients?.destroy();
        metrics.up.set(labels, 0);
      });
      return closed;
    },
  };
}
