/**
 * The events `vigil hunt` matches, file by file: the records cli/hunt/readers.ts reads, with
 * evtx_dump documents normalized to ECS (unless the pipeline is `raw`) and text lines parsed
 * as `vigil parse --type auto` parses them. `vigil fields` reads its data through the same
 * path, so a field it reports is one the rules would see.
 *
 * Ingest's parsers are loaded when the first text line or evtx_dump document arrives: a hunt
 * over ECS JSON lines never needs them, and they are a third of a second of start-up.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { VigilError } from '../../core/errors/index.js';
import type { ParseType } from '../../ingest/parsers/registry.js';
import { readHuntBatches, type HuntRecord, type ReadOptions } from './readers.js';

export type HuntEvent = { kind: 'event'; event: Record<string, unknown>; line: number } | { kind: 'bad'; line: number; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** An evtx_dump document (`{Event:{System…}}`), which the ECS pipeline reads through the Windows normalizer. */
export const isEvtxDocument = (o: Record<string, unknown>): boolean => isObject(o.Event) && isObject(o.Event.System);

/** Files under the inputs (folders walked, sorted; hidden entries skipped). */
export function inputFiles(inputs: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    const st = statSync(p);
    if (!st.isDirectory()) {
      out.push(p);
      return;
    }
    for (const name of readdirSync(p).sort()) if (!name.startsWith('.')) walk(join(p, name));
  };
  for (const p of inputs) {
    try {
      walk(p);
    } catch (err) {
      throw new VigilError('CONFIG_READ', `cannot read ${p}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
    }
  }
  return out;
}

function ctx(file: string, line: number, now: Date) {
  return { inputId: 'hunt', origin: `${file}:${line}`, timezone: 'UTC', now, keepOriginal: false };
}

/** Every event of the file as the rules see it, and every record that could not be read, in order. */
export async function* huntEvents(file: string, pipeline: string, now: Date, options: ReadOptions = {}): AsyncGenerator<HuntEvent> {
  for await (const batch of huntEventBatches(file, pipeline, now, options)) yield* batch;
}

type Parsers = typeof import('../../ingest/parsers/registry.js') & typeof import('../../ingest/normalize/cloud/index.js');
let loading: Promise<Parsers> | undefined;
const loadParsers = (): Promise<Parsers> =>
  (loading ??= Promise.all([import('../../ingest/parsers/registry.js'), import('../../ingest/normalize/cloud/index.js')]).then(
    ([registry, cloud]) => ({ ...registry, ...cloud }),
  ));

/** Whether the record goes through one of ingest's parsers. */
const parsed = (r: HuntRecord, pipeline: string): boolean =>
  r.kind === 'line' || (r.kind === 'event' && pipeline !== 'raw' && isEvtxDocument(r.event));

/** `huntEvents` in batches (a chunk of the file's records each; none empty). */
export async function* huntEventBatches(file: string, pipeline: string, now: Date, options: ReadOptions = {}): AsyncGenerator<HuntEvent[]> {
  let parsers: Parsers | undefined;
  for await (const records of readHuntBatches(file, options)) {
    const batch: HuntEvent[] = [];
    for (const r of records) {
      if (parsers === undefined && parsed(r, pipeline)) parsers = await loadParsers();
      eventsOf(r, file, pipeline, now, parsers, batch);
    }
    if (batch.length > 0) yield batch;
  }
}

/** The events of one record, onto `out` (`parsers` loaded when the record needs them). */
function eventsOf(r: HuntRecord, file: string, pipeline: string, now: Date, parsers: Parsers | undefined, out: HuntEvent[]): void {
  if (r.kind === 'bad') out.push(r);
  else if (r.kind === 'event') {
    if (pipeline !== 'raw' && isEvtxDocument(r.event)) {
      // The object as it is, as `vigil parse --type windows` normalizes the parsed text (without parsing it again).
      const { normalizeDocument, pipelineError } = parsers as Parsers;
      const rctx = { inputId: 'hunt', receivedAt: now, keepOriginal: false };
      for (const n of normalizeDocument(r.event, rctx, 'windows', JSON.stringify(r.event)))
        out.push({ kind: 'event', event: (n.ok ? n.event : pipelineError(n, rctx)) as Record<string, unknown>, line: r.line });
    } else out.push(r);
  } else {
    if (r.text.trim() === '') return;
    const { PARSE_TYPES, detectParseType } = parsers as Parsers;
    const type = PARSE_TYPES[detectParseType(r.text)] as ParseType;
    const p = type.toEcs(r.text, ctx(file, r.line, now));
    if (!p.ok) out.push({ kind: 'bad', line: r.line, reason: `${p.error.message} [${p.error.code}]` });
    else
      for (const e of p.events) {
        if (e.event?.kind === 'pipeline_error') out.push({ kind: 'bad', line: r.line, reason: 'unreadable record' });
        else out.push({ kind: 'event', event: e as Record<string, unknown>, line: r.line });
      }
  }
}
