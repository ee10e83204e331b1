import { deterministicId, getField } from '../../core/event/index.js';
import type { Outgoing, SinkTopic } from '../runner/index.js';
import type { OpenSearchSinkConfig } from './config.js';

/** OpenSearch refuses `_id`s longer than 512 bytes. */
const MAX_ID_BYTES = 512;

/** `<prefix>-<topic>`, or `logs-vigil.<topic>-<namespace>` for events and alerts when a namespace is set: the Elasticsearch sink's names. */
export function indexFor(cfg: Pick<OpenSearchSinkConfig, 'indexPrefix' | 'namespace'>, topic: SinkTopic): string {
  return cfg.namespace !== undefined && (topic === 'events' || topic === 'alerts')
    ? `logs-vigil.${topic}-${cfg.namespace}`
    : `${cfg.indexPrefix}-${topic}`;
}

const nonEmpty = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/**
 * The document id, so that a record sent again (a retry, a replay) overwrites its document instead
 * of adding one: `incident.id` for incidents (one document holding the latest state), `vigil.id`
 * for the rest, else an id derived from where the record sits in Kafka (an aggregate: the last
 * record rolled into it).
 */
export function documentId(o: Pick<Outgoing, 'topic' | 'doc' | 'source'>): string {
  const preferred =
    o.topic === 'incidents'
      ? (nonEmpty(getField(o.doc, 'incident.id')) ?? nonEmpty(o.source.key) ?? nonEmpty(getField(o.doc, 'vigil.id')))
      : nonEmpty(getField(o.doc, 'vigil.id'));
  const id = preferred ?? deterministicId('kafka', o.source.topic, String(o.source.partition), o.source.offset);
  return Buffer.byteLength(id, 'utf8') > MAX_ID_BYTES ? deterministicId('long-id', id) : id;
}

/** The bulk body of `batch`: an `index` action (overwrite by id) and the document, per record. */
export function bulkBody(batch: readonly Outgoing[], cfg: Pick<OpenSearchSinkConfig, 'indexPrefix' | 'namespace'>): string {
  let body = '';
  for (const o of batch) {
    body += `${JSON.stringify({ index: { _index: indexFor(cfg, o.topic), _id: documentId(o) } })}\n${o.json ?? JSON.stringify(o.doc)}\n`;
  }
  return body;
}
