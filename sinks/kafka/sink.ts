import type { Bus } from '../../core/bus/index.js';
import { RecordTooLargeError, type OutRecord } from '../../core/bus/index.js';
import { createKafka } from '../../core/bus/kafka-client.js';
import { createProducer, type BusProducer } from '../../core/bus/producer.js';
import type { KafkaConfig } from '../../core/config/types.js';
import { VigilError, errorMessage } from '../../core/errors/index.js';
import { logger } from '../../core/telemetry/index.js';
import { startSinkRunner, type DeliverFn, type Outgoing, type RunningSinkLoop, type Verdict } from '../runner/index.js';
import { runnerSettings } from '../runner/config.js';
import type { KafkaSinkConfig } from './config.js';
import { recordKey, topicTemplate } from './target.js';

export interface StartKafkaSinkOptions {
  sink: KafkaSinkConfig;
  /** Vigil's own bus: the records are read there, and its cluster is the target when `brokers` is unset. */
  bus: Bus;
}

/** The target cluster's settings: Vigil's own, with what the sink sets instead. */
export function targetKafkaConfig(sink: KafkaSinkConfig, own: KafkaConfig): KafkaConfig {
  const { tls: _tls, sasl: _sasl, ...base } = own;
  const other = sink.brokers !== undefined;
  return {
    ...base,
    brokers: sink.brokers ?? own.brokers,
    clientId: sink.clientId ?? own.clientId,
    compression: sink.compression,
    maxRecordBytes: sink.maxRecordBytes,
    // Another cluster gets only the security the sink declares; the own cluster keeps Vigil's unless the sink overrides it.
    ...((sink.tls ?? (other ? undefined : own.tls)) ? { tls: sink.tls ?? own.tls } : {}),
    ...((sink.sasl ?? (other ? undefined : own.sasl)) ? { sasl: sink.sasl ?? own.sasl } : {}),
  };
}

/** Sends a batch to its topics and maps what Kafka said back onto each record. */
export function createKafkaDeliver(opts: {
  producer: Pick<BusProducer, 'send'>;
  topicOf: (o: Outgoing) => string;
  keyOf: (o: Outgoing) => string | null;
}): DeliverFn {
  // The producer retries a send until Kafka takes it, past the runner's timeout: a retried call
  // waits for the abandoned one first, so that an unreachable target never piles up copies.
  let previous: Promise<unknown> = Promise.resolve();
  return async (batch, { signal }) => {
    await untilSettledOrAborted(previous, signal);
    const verdicts: Verdict[] = batch.map(() => ({ outcome: 'ok' }));
    const byTopic = new Map<string, { records: OutRecord[]; index: number[] }>();
    batch.forEach((o, i) => {
      const topic = opts.topicOf(o);
      let group = byTopic.get(topic);
      if (!group) byTopic.set(topic, (group = { records: [], index: [] }));
      group.records.push({ key: opts.keyOf(o), value: o.json ?? JSON.stringify(o.doc), timestamp: o.source.timestamp });
      group.index.push(i);
    });
    const failures: unknown[] = [];
    const sent = Promise.all(
      [...byTopic].map(async ([topic, group]) => {
        try {
          await opts.producer.send(topic, group.records);
        } catch (err) {
          if (!(err instanceof RecordTooLargeError)) return void failures.push(err);
          // The others of this topic were acknowledged; these never will be.
          const at = new Map(group.records.map((r, j) => [r, group.index[j] as number]));
          for (const refused of err.refused) {
            const i = at.get(refused.record);
            if (i !== undefined) {
              verdicts[i] = { outcome: 'reject', reason: `RECORD_TOO_LARGE: ${refused.bytes} bytes for topic ${topic}: ${refused.reason}` };
            }
          }
        }
      }),
    );
    previous = sent;
    await untilSettledOrAborted(sent, signal);
    // A topic Kafka did not take (down, no leader, no ACL): the whole call is retried.
    if (failures.length > 0) throw failures[0];
    return verdicts;
  };
}

/** Waits for `p` to settle; throws (a retriable failure of the call) once `signal` aborts first. */
function untilSettledOrAborted(p: Promise<unknown>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(new Error('Kafka did not acknowledge before the delivery timeout'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      () => resolve(),
      () => resolve(),
    ).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Fails at start, naming the sink, when the target cluster cannot be reached or a fixed topic does not exist there. */
async function checkTarget(sink: KafkaSinkConfig, cfg: KafkaConfig): Promise<void> {
  const admin = createKafka(cfg, `sink-${sink.id}-check`, { retries: 2 }).admin();
  const literal = /\{[^}]*\}/.test(sink.topic) ? undefined : sink.topic;
  try {
    await admin.connect();
    if (literal && !(await admin.listTopics()).includes(literal)) {
      throw new VigilError('SINK_CONFIG', `kafka sink ${sink.id}: topic ${literal} does not exist on ${cfg.brokers.join(',')}`, {
        location: { path: `sinks[${sink.id}].topic` },
      });
    }
  } catch (err) {
    if (err instanceof VigilError && err.code === 'SINK_CONFIG') throw err;
    throw new VigilError(
      'SINK_CONFIG',
      `kafka sink ${sink.id}: the target cluster ${cfg.brokers.join(',')} is unreachable: ${errorMessage(err)}`,
      {
        location: { path: `sinks[${sink.id}].brokers` },
        retriable: true,
        cause: err,
      },
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * The sink's delivery without its consumer loop (the runner's, and `vigil replay --from-archive`'s),
 * once the target cluster answered. `own` is Vigil's cluster: the target when `brokers` is unset.
 */
export async function openKafkaDelivery(sink: KafkaSinkConfig, own: KafkaConfig): Promise<{ deliver: DeliverFn; close(): Promise<void> }> {
  const cfg = targetKafkaConfig(sink, own);
  await checkTarget(sink, cfg);
  const producer = await createProducer(createKafka(cfg, `sink-${sink.id}`), cfg, { acks: sink.acks });
  return {
    deliver: createKafkaDeliver({ producer, topicOf: topicTemplate(sink.topic), keyOf: recordKey(sink.key) }),
    close: () => producer.close(),
  };
}

/** The Kafka sink on the shared runner: its own consumer group, its own producer to the target, commit after acks. */
export async function startKafkaSink(opts: StartKafkaSinkOptions): Promise<RunningSinkLoop> {
  const { sink } = opts;
  const log = logger('sink', { id: sink.id, type: 'kafka' });
  const delivery = await openKafkaDelivery(sink, opts.bus.config);
  try {
    return await startSinkRunner({
      ...runnerSettings(sink, 'kafka'),
      bus: opts.bus,
      log,
      deliver: delivery.deliver,
      onClose: () => delivery.close(),
    });
  } catch (err) {
    await delivery.close().catch(() => undefined);
    throw err;
  }
}
