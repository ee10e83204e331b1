import { errorMessage } from '../../../core/errors/index.js';
import { Batch, bytesResults, decodeBase64, isObject, type RecordResult } from '../../normalize/cloud/index.js';

/** Bytes of a refused body or record kept in its dead letter. */
const DEADLETTER_SAMPLE = 64 * 1024;

export interface FirehoseBatchOptions {
  inputId: string;
  peer: string;
  receivedAt: Date;
  keepOriginal: boolean;
  /** A record's decoded data larger than this is dead-lettered (FRAME_TOO_LARGE). */
  maxRecordBytes: number;
  /** `X-Amz-Firehose-Common-Attributes`, added to each event's labels. */
  commonAttributes: Record<string, string>;
}

/**
 * One Firehose delivery request body `{requestId, timestamp, records:[{data:<base64>}]}` → a
 * batch: every record an event, or a dead letter with its data. A body that is not that
 * envelope is one dead letter, whole.
 */
export function firehoseBatch(body: Buffer, opts: FirehoseBatchOptions): Batch {
  const batch = new Batch(opts.inputId, opts.peer);
  const ctx = { inputId: opts.inputId, receivedAt: opts.receivedAt, keepOriginal: opts.keepOriginal, peer: opts.peer };
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch (err) {
    batch.fail('DECODE_PAYLOAD', `request body is not JSON: ${errorMessage(err)}`, body.subarray(0, DEADLETTER_SAMPLE));
    return batch;
  }
  if (!isObject(doc) || !Array.isArray(doc.records)) {
    batch.fail('DECODE_PAYLOAD', 'request body has no records array', body.subarray(0, DEADLETTER_SAMPLE));
    return batch;
  }
  const labelled = Object.keys(opts.commonAttributes).length > 0;
  for (const rec of doc.records) {
    const data = isObject(rec) && typeof rec.data === 'string' ? rec.data : undefined;
    const bytes = data === undefined ? undefined : decodeBase64(data);
    if (bytes === undefined) {
      batch.fail('DECODE_PAYLOAD', 'record data is not base64', describeRecord(rec));
      continue;
    }
    if (bytes.length > opts.maxRecordBytes) {
      batch.fail(
        'FRAME_TOO_LARGE',
        `record of ${bytes.length} bytes exceeds maxRecordBytes (${opts.maxRecordBytes})`,
        bytes.subarray(0, DEADLETTER_SAMPLE),
      );
      continue;
    }
    const results: RecordResult[] = bytesResults(bytes, ctx, 'aws.firehose');
    if (labelled) for (const r of results) if (r.ok) r.event.labels = { ...opts.commonAttributes, ...r.event.labels };
    batch.add(results);
  }
  return batch;
}

/** A refused record as text for its dead letter; one nested too deep to serialize is described instead. */
function describeRecord(rec: unknown): string {
  try {
    return (JSON.stringify(rec) ?? String(rec)).slice(0, DEADLETTER_SAMPLE);
  } catch (err) {
    return `(a record that cannot be serialized: ${errorMessage(err)})`;
  }
}
