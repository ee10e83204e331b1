import type { Client } from '@elastic/elasticsearch';
import type { Bus } from '../core/bus/index.js';
import type { VigilConfig } from '../core/config/index.js';
import { sendDeadLetters, type DeadLetter } from '../core/deadletter/index.js';
import { errorMessage, isVigilError } from '../core/errors/index.js';
import type { RunningStage } from '../core/stage.js';
import { incidentStatusTopic } from '../detections/incidents/index.js';
import { forEachByKey } from './keyed-concurrency.js';
import { startResponder } from './responder.js';

/**
 * The respond stage: `vigil.incidents` → playbook runs on BullMQ, audit on `vigil.actions`.
 * A partition's offset is committed once every incident of the batch is dispatched (its first
 * steps durably in Redis) or dead-lettered; a Redis or Kafka failure throws, and the batch is
 * retried, which dispatch tolerates (deterministic run and job ids). Incidents of different ids
 * are dispatched at once (`playbooks.dispatchConcurrency`), the versions of one incident in order.
 */
export async function startRespondStage({
  config,
  bus,
  elasticsearch,
}: {
  config: VigilConfig;
  bus: Bus;
  /** For `elasticsearch.query`; made by the caller, since playbooks/ does not import sinks/. Closed with the stage. */
  elasticsearch?: Client;
}): Promise<RunningStage> {
  const producer = await bus.producer();
  const { topics } = bus;
  const responder = await startResponder({
    config,
    publisher: producer,
    actionsTopic: topics.actions,
    // The connections core actions use (kafka.produce, elasticsearch.query, incident.update) instead of opening their own.
    services: {
      publisher: producer,
      // Named, not provisioned: the incident stage, the API and `vigil incident` create it, and this stage may not (ACLs).
      incidents: { topic: incidentStatusTopic(config.kafka.topicPrefix) },
      ...(elasticsearch ? { elasticsearch } : {}),
    },
  });
  const loop = await bus.consume('respond', {
    topics: [topics.incidents],
    component: 'respond',
    handler: async (records) => {
      const letters: DeadLetter[] = [];
      // The incidents topic is compacted: an empty value is a tombstone, not an incident.
      const incidents = records.filter((r) => r.value.length > 0);
      await forEachByKey(
        incidents,
        (r) => r.key ?? `offset:${r.offset}`,
        config.playbooks.dispatchConcurrency,
        async (r) => {
          try {
            await responder.dispatch(JSON.parse(r.value.toString('utf8')));
          } catch (err) {
            const invalid = err instanceof SyntaxError || isVigilError(err, 'EVENT_INVALID');
            if (!invalid) throw err;
            letters.push({
              stage: 'respond',
              component: 'playbooks',
              code: 'EVENT_INVALID',
              reason: errorMessage(err),
              raw: r.value,
              origin: { topic: r.topic, partition: r.partition, offset: r.offset },
            });
          }
        },
      );
      await sendDeadLetters(producer, topics.deadletter, letters);
    },
  });
  return {
    name: 'respond',
    close: async () => {
      await loop.stop();
      await responder.close();
      await elasticsearch?.close();
    },
  };
}
