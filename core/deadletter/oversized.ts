import { RecordTooLargeError } from '../bus/record-size.js';
import type { Publisher } from '../bus/types.js';
import { metrics } from '../telemetry/index.js';
import { sendDeadLetters, type DeadLetter, type Stage } from './index.js';

/** Where a component's refused records go, and under which name. */
export interface OversizedTarget {
  /** Full (prefixed) dead-letter topic name. */
  deadletterTopic: string;
  stage: Stage;
  /** The component id (an input id) the dead letters and the error metric carry. */
  component: string;
  /** The component kind of the error metric (`input` for an input). */
  kind: string;
}

/**
 * `publisher`, except that records Kafka will never take (too large: see RecordTooLargeError) are
 * dead-lettered with their bytes (cut to fit) and the reason, and the send resolves once they are:
 * the sender is answered and the input moves on instead of offering them again forever.
 */
export function deadLetterOversized(publisher: Publisher, target: OversizedTarget): Publisher {
  return {
    async send(topic, records) {
      try {
        await publisher.send(topic, records);
      } catch (err) {
        // Dead letters that are too large are cut by sendDeadLetters itself.
        if (!(err instanceof RecordTooLargeError) || topic === target.deadletterTopic) throw err;
        const letters: DeadLetter[] = err.refused.map((r) => ({
          stage: target.stage,
          component: target.component,
          code: 'RECORD_TOO_LARGE',
          reason: `record of ${r.bytes} bytes for ${topic} not sent: ${r.reason}`,
          raw: r.record.value,
        }));
        metrics.errors.inc({ kind: target.kind, id: target.component, code: 'RECORD_TOO_LARGE' }, letters.length);
        await sendDeadLetters(publisher, target.deadletterTopic, letters);
      }
    },
  };
}
