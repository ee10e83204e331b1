import { randomUUID } from 'node:crypto';
import type { OutRecord } from '../../../core/bus/types.js';
import type { EcsEvent } from '../../../core/event/index.js';
import { eventRecord, type SplunkEnvelope } from '../../normalize/splunk.js';

/**
 * Stands in for `vigil.splunk.event` while the event is serialized, then is replaced by the
 * event's JSON as the client sent it. Random per process: no event can carry it.
 */
const SLOT = `\u0000hec-event-${randomUUID()}`;
const SLOT_JSON = JSON.stringify(SLOT);

/**
 * The Kafka record of an HEC event. An object event is kept whole under `vigil.splunk.event`;
 * when the decoder has its JSON as sent (`eventText`, already checked by JSON.parse and on one
 * line), that text is written there instead of serializing the parsed object a second time.
 * Parsed back, the record is the same: the text is what the object was parsed from.
 */
export function hecEventRecord(event: EcsEvent, eventText: string | undefined, peer: string, receivedAt: Date): OutRecord {
  const splunk = (event.vigil as SplunkEnvelope | undefined)?.splunk;
  if (eventText === undefined || splunk?.event === undefined) return eventRecord(event, peer, receivedAt);
  const nested = splunk.event;
  splunk.event = SLOT;
  let json: string;
  try {
    json = JSON.stringify(event);
  } finally {
    splunk.event = nested;
  }
  const at = json.lastIndexOf(SLOT_JSON);
  return eventRecord(event, peer, receivedAt, json.slice(0, at) + eventText + json.slice(at + SLOT_JSON.length));
}
