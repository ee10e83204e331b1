import { getField } from '../../core/event/index.js';

/**
 * One ECS document → one row of the rule's stream. The Logs Ingestion API takes a JSON array of
 * objects whose properties are the stream's declared columns; a custom table (`<name>_CL`) must
 * have `TimeGenerated` (datetime), and the rule's transformation may map the rest. The mapping is
 * the sink's `columns`:
 *
 * | value        | column holds                                                   |
 * |--------------|----------------------------------------------------------------|
 * | `a.b.c`      | the ECS field `a.b.c` (absent → the column is left out)        |
 * | `$json`      | the whole document as a JSON string (a `string` column)        |
 * | `$document`  | the whole document as an object (a `dynamic` column)           |
 *
 * `TimeGenerated` is always set, as an ISO 8601 UTC time: from its mapped field, else
 * `@timestamp`, else the Kafka timestamp. The default is `TimeGenerated` + `RawData` ($json).
 */
export const JSON_COLUMN = '$json';
export const DOCUMENT_COLUMN = '$document';

function isoTime(v: unknown): string | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const ms = typeof v === 'number' ? v : Date.parse(v);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

export function sentinelRow(
  doc: Readonly<Record<string, unknown>>,
  columns: Readonly<Record<string, string>>,
  kafkaTimestampMs: number,
  json: () => string,
): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [column, from] of Object.entries(columns)) {
    const value = from === JSON_COLUMN ? json() : from === DOCUMENT_COLUMN ? doc : getField(doc, from);
    if (value !== undefined && value !== null) row[column] = value;
  }
  row.TimeGenerated =
    isoTime(row.TimeGenerated) ?? isoTime(getField(doc, '@timestamp')) ?? new Date(kafkaTimestampMs || Date.now()).toISOString();
  return row;
}
