import { getField } from '../../core/event/index.js';
import type { HecMetadataOverrides } from './config.js';

/**
 * One Vigil record → one HEC event (`/services/collector/event` JSON). The event body is the
 * record's ECS document; Splunk's metadata comes from the sink's settings, else from what the
 * event came in with (`vigil.splunk.*`, kept by Vigil's Splunk inputs so that it goes back to the
 * same index and sourcetype), else from ECS:
 *
 * | HEC          | from                                                                  |
 * |--------------|-----------------------------------------------------------------------|
 * | `time`       | `@timestamp`, epoch seconds with milliseconds; the Kafka timestamp when absent |
 * | `host`       | `host.name`, `host.hostname`, `observer.hostname`                     |
 * | `source`     | `vigil.splunk.source`, `log.file.path`, `vigil:<vigil.input>`          |
 * | `sourcetype` | `vigil.splunk.sourcetype`, `event.dataset`, `vigil:<topic>`            |
 * | `index`      | `vigil.splunk.index`; absent: the token's default index               |
 */

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export interface HecMetadata {
  host?: string;
  source?: string;
  sourcetype?: string;
  index?: string;
}

/** The Splunk metadata of one ECS document (see the table above). */
export function hecMetadata(doc: Readonly<Record<string, unknown>>, topic: string, fixed: HecMetadataOverrides = {}): HecMetadata {
  const input = str(getField(doc, 'vigil.input'));
  const out: HecMetadata = {};
  const host =
    fixed.host ?? str(getField(doc, 'host.name')) ?? str(getField(doc, 'host.hostname')) ?? str(getField(doc, 'observer.hostname'));
  if (host !== undefined) out.host = host;
  const source =
    fixed.source ??
    str(getField(doc, 'vigil.splunk.source')) ??
    str(getField(doc, 'log.file.path')) ??
    (input ? `vigil:${input}` : undefined);
  if (source !== undefined) out.source = source;
  out.sourcetype =
    fixed.sourcetype ?? str(getField(doc, 'vigil.splunk.sourcetype')) ?? str(getField(doc, 'event.dataset')) ?? `vigil:${topic}`;
  const index = fixed.index ?? str(getField(doc, 'vigil.splunk.index'));
  if (index !== undefined) out.index = index;
  return out;
}

/** Epoch seconds with millisecond precision, as HEC's `time` takes it. */
function epochSeconds(doc: Readonly<Record<string, unknown>>, fallbackMs: number): number {
  const ts = getField(doc, '@timestamp');
  const ms = typeof ts === 'string' ? Date.parse(ts) : NaN;
  return (Number.isFinite(ms) ? ms : fallbackMs) / 1000;
}

/**
 * The HEC event line of one document: `time` and the Splunk metadata, then the document's JSON as
 * the event. `json` is that JSON when the caller has it (the runner's `Outgoing.json`: for a record
 * no route changed, the Kafka record's own bytes), so that the document is not serialized again;
 * the line is written around it rather than built as an object and stringified whole.
 */
export function encodeHecEvent(
  doc: Readonly<Record<string, unknown>>,
  topic: string,
  kafkaTimestampMs: number,
  fixed: HecMetadataOverrides = {},
  json?: string,
): string {
  const m = hecMetadata(doc, topic, fixed);
  let line = `{"time":${JSON.stringify(epochSeconds(doc, kafkaTimestampMs))}`;
  if (m.host !== undefined) line += `,"host":${JSON.stringify(m.host)}`;
  if (m.source !== undefined) line += `,"source":${JSON.stringify(m.source)}`;
  if (m.sourcetype !== undefined) line += `,"sourcetype":${JSON.stringify(m.sourcetype)}`;
  if (m.index !== undefined) line += `,"index":${JSON.stringify(m.index)}`;
  return `${line},"event":${json ?? JSON.stringify(doc)}}`;
}
