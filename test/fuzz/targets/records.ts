import type { VigilError } from '../../../core/errors/index.js';
import type { EcsEvent } from '../../../core/event/index.js';
import { ingestFrame, type FrameContext } from '../../../ingest/frame-to-record.js';
import { Batch, normalizeJsonText, type RecordContext } from '../../../ingest/normalize/cloud/index.js';
import { normalizeRecord, normalizeSyslog, type NormalizeContext } from '../../../ingest/normalize/index.js';
import { dead, deadLetter, INPUT_ID, NOW, one, PEER, type FuzzTarget } from '../target.js';
import { parseRecord, parseRfc3164, parseRfc5424, parseSyslog, type RecordFormat } from '../../../ingest/parsers/index.js';

function normalizeContext(raw: Buffer, timezone: string): NormalizeContext {
  return { inputId: INPUT_ID, peer: PEER, raw, receivedAt: NOW, keepOriginal: true, timezone };
}

/** A parser's typed failure as the dead letter an input writes for it. */
const letterOf = (raw: Buffer, error: VigilError) => deadLetter(raw, error.code, error.message);

/** `parseRecord` with one format, then the normalizer: what `vigil parse --type <format>` and the file inputs run. */
function viaRecord(format: RecordFormat, allowMissingPri: boolean): FuzzTarget['run'] {
  return (raw) => {
    const p = parseRecord(raw, { format, now: NOW, timezone: 'UTC', allowMissingPri });
    return p.ok ? one(normalizeRecord(p.record, normalizeContext(raw, 'UTC'))) : dead(letterOf(raw, p.error));
  };
}

/** The cloud inputs' path: JSON text → records → a Batch of events and dead letters. */
function viaBatch(type: Parameters<typeof normalizeJsonText>[2]): FuzzTarget['run'] {
  return (raw) => {
    const ctx: RecordContext = { inputId: INPUT_ID, receivedAt: NOW, keepOriginal: true, peer: PEER };
    const batch = new Batch(INPUT_ID, PEER).add(normalizeJsonText(raw.toString('utf8'), ctx, type));
    return { events: batch.events.map((r) => JSON.parse(String(r.value)) as EcsEvent), letters: batch.letters };
  };
}

const pipelineContext: FrameContext = {
  input: { id: INPUT_ID, timezone: 'Europe/Berlin', keepOriginal: true },
  receivedAt: NOW,
};

/** The parsers and normalizers: syslog, CEF, LEEF, JSON lines, cloud and Windows records, and the syslog inputs' whole path. */
export const RECORD_TARGETS: readonly FuzzTarget[] = [
  {
    name: 'rfc5424',
    samples: 'lines',
    focus: (l) => /^<\d{1,3}>1 /.test(l),
    run: (raw) => {
      const p = parseRfc5424(raw);
      return p.ok ? one(normalizeSyslog(p.record, normalizeContext(raw, 'UTC'))) : dead(letterOf(raw, p.error));
    },
  },
  {
    name: 'rfc3164',
    samples: 'lines',
    focus: (l) => !/^<\d{1,3}>1 /.test(l) && !l.startsWith('{'),
    run: (raw) => {
      // Both readings: network (PRI required) and file (PRI optional), in a zone with DST.
      const opts = { now: NOW, timezone: 'America/New_York', allowMissingPri: raw.length % 2 === 0 };
      const p = parseRfc3164(raw, opts);
      return p.ok ? one(normalizeSyslog(p.record, normalizeContext(raw, opts.timezone))) : dead(letterOf(raw, p.error));
    },
  },
  { name: 'cef', samples: 'lines', focus: (l) => l.includes('CEF:'), run: viaRecord('cef', false) },
  { name: 'leef', samples: 'lines', focus: (l) => l.includes('LEEF:'), run: viaRecord('leef', false) },
  {
    name: 'syslog',
    samples: 'lines',
    run: (raw) => {
      const p = parseSyslog(raw, { now: NOW, timezone: 'Asia/Kolkata', allowMissingPri: true });
      return p.ok ? one(normalizeSyslog(p.record, normalizeContext(raw, 'Asia/Kolkata'))) : dead(letterOf(raw, p.error));
    },
  },
  { name: 'json', samples: 'lines', focus: (l) => l.startsWith('{'), run: viaRecord('json', false) },
  { name: 'cloud', samples: 'json', run: viaBatch('auto') },
  { name: 'windows', samples: 'json', run: viaBatch('windows') },
  {
    // The syslog/TCP/UDP inputs' path: auto-detected format, failures become dead letters.
    name: 'pipeline',
    samples: 'lines',
    run: (raw) => {
      const r = ingestFrame({ raw, peer: PEER }, pipelineContext);
      return r.ok ? one(JSON.parse(String(r.record.value)) as EcsEvent) : dead(r.letter);
    },
  },
];
