import { workTopicSpec, type Bus, type InRecord, type OutRecord } from '../../core/bus/index.js';
import type { VigilConfig } from '../../core/config/index.js';
import { deadLetterRecord } from '../../core/deadletter/index.js';
import { errorMessage } from '../../core/errors/index.js';
import type { EcsEvent } from '../../core/event/index.js';
import type { RunningStage } from '../../core/stage.js';
import { startStatefulProcessor, type OutputRecord, type StateStore } from '../../core/state/index.js';
import { logger, metrics } from '../../core/telemetry/index.js';
import { CorrelationEngine, type CorrelationOutput, type CorrelationSet, type Snapshot } from '../correlation/index.js';
import { ensureIncidentInputTopic, INCIDENTS_KEY } from '../incidents/input-topic.js';
import { isTick, type TickRecord } from './event-clock.js';

const log = logger('correlate');

export const correlationInputTopic = (topicPrefix: string): string => `${topicPrefix}vigil.correlate-repartition`;

interface CorrelationInputRecord {
  ruleId: string;
  correlationId: string;
  event: EcsEvent;
}

/**
 * Splits the detect stage's alerts: base-rule matches that correlations count become records
 * of the correlation input topic, keyed by the correlation's group-by values (so one group's
 * window lives on one partition, as a Kafka Streams repartition does), and the alerts of rules
 * that only feed correlations (`generate` not set) are not published on their own.
 */
export function correlationRouter(set: CorrelationSet) {
  const engine = new CorrelationEngine(set.correlations, { changelog: 'off' });
  return (alerts: OutRecord[]): { alerts: OutRecord[]; inputs: OutRecord[] } => {
    const kept: OutRecord[] = [];
    const inputs: OutRecord[] = [];
    for (const a of alerts) {
      const ruleId = a.headers?.['vigil-rule'] ?? '';
      const correlations = engine.correlationsFor(ruleId);
      if (!set.silenced.has(ruleId)) kept.push(a);
      if (correlations.length === 0) continue;
      const alert = JSON.parse(String(a.value)) as { vigil?: { alert?: { event?: EcsEvent } } };
      const event = alert.vigil?.alert?.event;
      if (!event) continue;
      for (const correlationId of correlations) {
        const key = engine.groupKeyOf(correlationId, event, ruleId);
        if (key === undefined) {
          metrics.dropped.inc({ kind: 'detect', id: correlationId, reason: 'missing_group_by' });
          continue;
        }
        const value: CorrelationInputRecord = { ruleId, correlationId, event };
        inputs.push({ key, value: JSON.stringify(value), timestamp: Date.parse(event['@timestamp']) || undefined });
      }
    }
    return { alerts: kept, inputs };
  };
}

/**
 * The correlation processor: windows per group key over event time, state in a compacted
 * changelog restored on restart or rebalance, fired correlations to `vigil.alerts`, events too
 * late for their window to `vigil.deadletter` with the reason.
 */
/** Correlations that may change while running (LiveRules): `generation` moves on every swap. */
export interface CorrelationSource {
  readonly correlations: CorrelationSet;
  readonly generation: number;
}

export async function startCorrelateStage({
  config,
  bus,
  set,
}: {
  config: VigilConfig;
  bus: Bus;
  set: CorrelationSet | CorrelationSource;
}): Promise<RunningStage> {
  const source: CorrelationSource = 'generation' in set ? set : { correlations: set, generation: 0 };
  const input = correlationInputTopic(config.kafka.topicPrefix);
  const incidents = await ensureIncidentInputTopic(bus);
  await bus.ensureTopics([workTopicSpec(input, config.kafka, config.kafka.partitions)]);
  const latenessMs = config.detections.correlation.allowedLatenessSeconds * 1000;
  const engines = new WeakMap<StateStore<Snapshot>, { engine: CorrelationEngine; generation: number }>();
  // After a reload the partition's engine is built again from its store, which holds every
  // change up to the last batch: windows of unchanged correlations go on where they were.
  const engineFor = (store: StateStore<Snapshot>, partition: number): CorrelationEngine => {
    const { generation } = source;
    const held = engines.get(store);
    if (held && held.generation === generation) return held.engine;
    const e = new CorrelationEngine(source.correlations.correlations, {
      changelog: 'deferred',
      allowedLatenessMs: latenessMs,
      maxKeysPerCorrelation: config.detections.correlation.maxKeysPerCorrelation,
    });
    let n = 0;
    for (const [key, value] of store.entries()) if (e.restore(key, value, partition)) n++;
    engines.set(store, { engine: e, generation });
    log.info(
      { partition, keys: n, correlations: source.correlations.correlations.length },
      held ? 'correlations reloaded' : 'correlation state restored',
    );
    return e;
  };

  const processor = await startStatefulProcessor<Snapshot>({
    bus,
    name: 'correlate',
    input,
    process: (batch: InRecord[], store, ctx) => {
      const engine = engineFor(store, ctx.partition);
      const outputs: OutputRecord[] = [];
      const dead = (r: InRecord, code: 'CORRELATION_LATE' | 'EVENT_INVALID', reason: string) => {
        const rec = deadLetterRecord({
          stage: 'detect',
          component: 'correlate',
          code,
          reason,
          raw: r.value,
          origin: { topic: r.topic, partition: r.partition, offset: r.offset },
        });
        metrics.deadLettered.inc({ stage: 'detect', code });
        outputs.push({ topic: bus.topics.deadletter, key: rec.key ?? null, value: rec.value, headers: rec.headers });
      };
      const emit = (fires: CorrelationOutput['fired']) => {
        for (const fired of fires) {
          if (fired.emit) {
            const alert = { key: fired.key, value: JSON.stringify(fired.alert), headers: { 'vigil-rule': fired.correlationId } };
            outputs.push({ topic: bus.topics.alerts, ...alert }, { topic: incidents, ...alert, key: INCIDENTS_KEY });
          }
          // Correlations of correlations: the alert goes back through the input topic, keyed by
          // the next correlation's group-by, in the same transaction.
          for (const next of fired.feeds) {
            const key = engine.groupKeyOf(next, fired.alert, fired.correlationId);
            if (key === undefined) continue;
            const chained: CorrelationInputRecord = { ruleId: fired.correlationId, correlationId: next, event: fired.alert };
            outputs.push({ topic: input, key, value: JSON.stringify(chained) });
          }
        }
        metrics.sent.inc({ kind: 'detect', id: 'correlate' }, fires.length);
      };
      for (const r of batch) {
        let rec: CorrelationInputRecord | TickRecord;
        try {
          rec = JSON.parse(r.value.toString('utf8')) as CorrelationInputRecord | TickRecord;
        } catch (err) {
          dead(r, 'EVENT_INVALID', `correlation input is not JSON: ${errorMessage(err)}`);
          continue;
        }
        if (isTick(rec)) {
          // Event time reported by the detect stage: a tick is an event time like any other, so it is held back by the lateness too.
          emit(engine.advanceWatermark(rec.tick - latenessMs, ctx.partition).fired);
          continue;
        }
        const out = engine.process({ ruleId: rec.ruleId, correlationId: rec.correlationId, event: rec.event, partitionKey: ctx.partition });
        for (const late of out.late) dead(r, late.code, late.reason);
        emit(out.fired);
      }
      for (const c of engine.drainChanges()) {
        if (c.value === null) store.delete(c.key);
        else store.set(c.key, c.value);
      }
      return { outputs };
    },
  });
  return processor;
}
