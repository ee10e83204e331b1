/**
 * A Windows `.evtx` file as hunt records: each record's document as evtx_dump's JSON (which the
 * ECS pipeline normalizes like evtx_dump's own output), its EventRecordID in place of a line
 * number; a chunk or record that cannot be read is a `bad` record naming its byte offset.
 */
import { readEvtxFile } from '../../ingest/parsers/evtx/index.js';
import type { HuntRecord, ReadOptions } from './readers.js';

export async function* evtxHuntRecords(file: string, options: ReadOptions): AsyncGenerator<HuntRecord> {
  // The objects are built while reading; the JSON text is never made.
  for await (const item of readEvtxFile(file, { onBytes: options.onBytes, build: 'event' })) {
    if (item.kind === 'record') yield { kind: 'event', event: item.event, line: item.recordId };
    else {
      const chunk = item.chunk === undefined ? '' : ` (chunk ${item.chunk})`;
      yield { kind: 'bad', line: 0, reason: `.evtx byte ${item.offset}${chunk}: ${item.reason}` };
    }
  }
}
