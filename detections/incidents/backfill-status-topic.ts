/**
 * The acknowledgements `vigil.incident-status` still holds, for `vigil incidents backfill`:
 * every way of acknowledging an incident (`vigil incident ack`, Kibana through the
 * Elasticsearch poller, the API, playbooks) writes a status change there, and `vigil incident
 * ack` and Kibana write nowhere else.
 *
 * The topic is compacted by incident id for status changes (status-topic.ts), so once Kafka's
 * cleaner has passed (the records are older than `min.compaction.lag.ms` and their segment has
 * rolled), only an incident's last status change is left: an acknowledgement followed by a close
 * survives only until then. What is read is what the topic holds when the read starts: one pass
 * from each partition's first offset to the end offset fixed at the start.
 */
import type { Bus } from '../../core/bus/index.js';
import { errorMessage } from '../../core/errors/index.js';
import { decodeIncidentChange, kindOf } from './change.js';
import type { StatusChange } from './status.js';

export interface StatusTopicRead {
  topic: string;
  /** False when the topic does not exist (nothing was ever sent to it): nothing read. */
  exists: boolean;
  /** Records read. */
  records: number;
  /** Incident id → epoch ms of its earliest acknowledgement on the topic. */
  acknowledgements: Map<string, number>;
  /** Records that are not incident changes (skipped, each reported to `onUnreadable`). */
  unreadable: number;
}

/** Reads `topic` once, start to the end it has when the read starts; keeps the earliest acknowledgement of each incident. */
export async function statusTopicAcknowledgements(
  bus: Bus,
  topic: string,
  onUnreadable: (where: string, why: string) => void = () => undefined,
): Promise<StatusTopicRead> {
  const read: StatusTopicRead = { topic, exists: false, records: 0, acknowledgements: new Map(), unreadable: 0 };
  if ((await bus.partitionCount(topic)) === null) return read;
  read.exists = true;
  // Record times are the changes' own (`at`), which a client's clock may put in the future: the
  // widest range reads from the first offset to the end offset (the broker's answer when no
  // record is that late), whatever the times.
  await bus.readRange(topic, {
    fromMs: 0,
    toMs: Number.MAX_SAFE_INTEGER,
    onRecords: (records) => {
      for (const r of records) {
        read.records++;
        let change;
        try {
          change = decodeIncidentChange(r);
        } catch (err) {
          read.unreadable++;
          onUnreadable(`${r.topic}[${r.partition}]@${r.offset}`, errorMessage(err));
          continue;
        }
        if (kindOf(change) !== 'status' || (change as StatusChange).status !== 'acknowledged') continue;
        const at = Date.parse(change.at);
        const held = read.acknowledgements.get(change.incident_id);
        if (held === undefined || at < held) read.acknowledgements.set(change.incident_id, at);
      }
    },
  });
  return read;
}
