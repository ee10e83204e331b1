import type { AwsCloudTrailInputConfig } from './config.js';
import { errorMessage, isVigilError } from '../../../core/errors/index.js';
import { backoffDelay } from '../../../core/retry/index.js';
import { pause as sleep } from '../../poll/pause.js';
import { metrics, type Logger } from '../../../core/telemetry/index.js';
import { Batch, emit, type EmitTarget } from '../../normalize/cloud/index.js';
import type { CloudTrailAws, QueueMessage } from './aws.js';
import { cloudTrailFileResults } from './files.js';
import { isCloudTrailLogKey, parseNotification } from './notifications.js';

export interface Poller {
  stop(): Promise<void>;
}

/**
 * The SQS loop: receive (long poll), read every CloudTrail file a message announces from S3,
 * publish its records, and delete the message only once Kafka acknowledged them. A message whose
 * files cannot be read now (S3 down, access denied) is left alone: SQS shows it again after its
 * visibility timeout. A message that will never become readable (not a notification, a missing
 * object) is dead-lettered with its body, then deleted.
 */
export function startSqsPoller(cfg: AwsCloudTrailInputConfig, aws: CloudTrailAws, target: EmitTarget, log: Logger): Poller {
  const labels = { kind: 'input', id: cfg.id } as const;
  const abort = new AbortController();
  let failures = 0;

  async function processMessage(m: QueueMessage): Promise<void> {
    const note = parseNotification(m.body);
    const batch = new Batch(cfg.id);
    if (note.kind === 'test') {
      log.info({ messageId: m.messageId }, 's3:TestEvent ignored');
    } else if (note.kind === 'invalid') {
      batch.fail('PARSE_RECORD_SHAPE', `SQS message ${m.messageId}: ${note.reason}`, m.body);
    } else {
      const ctx = { inputId: cfg.id, receivedAt: new Date(), keepOriginal: cfg.keepOriginal };
      for (const o of note.objects) {
        if (!isCloudTrailLogKey(o.key)) {
          metrics.dropped.inc({ ...labels, reason: 'not_a_log_file' });
          continue;
        }
        let bytes: Buffer;
        try {
          bytes = await aws.getObject(o.bucket, o.key);
        } catch (err) {
          if (isVigilError(err, 'INPUT_REMOTE') && !err.retriable) {
            batch.fail('INPUT_REMOTE', `SQS message ${m.messageId}: ${err.message}`, m.body);
            continue;
          }
          throw err;
        }
        batch.add(cloudTrailFileResults(bytes, ctx, `s3://${o.bucket}/${o.key}`));
      }
    }
    await emit(target, batch);
    await aws.delete(m.receiptHandle);
  }

  const loop = (async () => {
    while (!abort.signal.aborted) {
      let messages: QueueMessage[];
      try {
        messages = await aws.receive(abort.signal);
        failures = 0;
      } catch (err) {
        if (abort.signal.aborted) break;
        failures++;
        metrics.errors.inc({ ...labels, code: 'INPUT_REMOTE' });
        const delay = backoffDelay(failures);
        log.warn({ err: errorMessage(err), delayMs: delay }, 'SQS receive failed; retrying');
        await sleep(delay, abort.signal);
        continue;
      }
      // Messages of one receive are handled one after another: each one's delete waits for its own ack.
      for (const m of messages) {
        try {
          await processMessage(m);
        } catch (err) {
          metrics.errors.inc({ ...labels, code: isVigilError(err) ? err.code : 'INPUT_REMOTE' });
          log.warn({ messageId: m.messageId, err: errorMessage(err) }, 'SQS message not processed; it will be received again');
        }
      }
    }
  })();

  return {
    async stop() {
      abort.abort();
      await loop;
    },
  };
}
