import type { InRecord } from '../../core/bus/index.js';
import { deadLetterRecord } from '../../core/deadletter/index.js';
import { errorMessage } from '../../core/errors/index.js';
import type { EcsEvent } from '../../core/event/index.js';
import type { OutputRecord, StateStore } from '../../core/state/index.js';
import { metrics } from '../../core/telemetry/index.js';
import type { IncidentBuilder } from './builder.js';
import { incidentRecord } from './document.js';

export interface AlertBatchTopics {
  incidents: string;
  deadletter: string;
}

/**
 * One batch of `vigil.incident-alerts` through the builder, as the incident stage commits it:
 * the latest document of every incident the batch changed, a dead letter for every alert that
 * is not JSON or that the builder cannot read, and one state record per changed incident in
 * `store` (the stateful processor writes it to the changelog in the same transaction).
 */
export function foldAlertBatch(
  builder: IncidentBuilder,
  batch: readonly InRecord[],
  store: StateStore<string>,
  topics: AlertBatchTopics,
): OutputRecord[] {
  const outputs: OutputRecord[] = [];
  const raws: InRecord[] = [];
  // Parsed as the builder takes them: each alert object is garbage once folded, before the next
  // is parsed, instead of a whole batch of them outliving young-generation collections.
  function* alerts(): Generator<EcsEvent> {
    for (const r of batch) {
      let alert: EcsEvent;
      try {
        alert = JSON.parse(r.value.toString('utf8')) as EcsEvent;
      } catch (err) {
        outputs.push(dead(topics.deadletter, r, `alert is not JSON: ${errorMessage(err)}`));
        continue;
      }
      raws.push(r);
      yield alert;
    }
  }
  const result = builder.foldBatch(alerts());
  let documents = 0;
  for (const rej of result.rejected) outputs.push(dead(topics.deadletter, raws[rej.index] as InRecord, rej.error.message));
  for (const doc of result.documents) {
    outputs.push({ topic: topics.incidents, ...incidentRecord(doc), key: doc.incident.id });
    documents++;
  }
  for (const c of builder.changes()) {
    if (c.value === null) store.delete(c.key);
    else store.set(c.key, c.value);
  }
  metrics.sent.inc({ kind: 'incident', id: 'builder' }, documents);
  return outputs;
}

function dead(topic: string, r: InRecord, reason: string): OutputRecord {
  const rec = deadLetterRecord({
    stage: 'detect',
    component: 'incidents',
    code: 'EVENT_INVALID',
    reason,
    raw: r.value,
    origin: { topic: r.topic, partition: r.partition, offset: r.offset },
  });
  metrics.deadLettered.inc({ stage: 'detect', code: 'EVENT_INVALID' });
  return { topic, key: rec.key ?? null, value: rec.value, headers: rec.headers };
}
