/**
 * The events `vigil hunt` matches, file by file: the records cli/hunt/readers.ts reads, with
 * evtx_dump documents normalized to ECS (unless the pipeline is `raw`) and text lines parsed
 * as `vigil parse --type auto` parses them. `vigil fields` reads its data through the same
 * path, so a field it reports is one the rules would see.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { VigilError } from '../../core/errors/index.js';
import { detectParseType, PARSE_TYPES, type ParseType } from '../../ingest/parsers/registry.js';
import { readHuntFile, type ReadOptions } from './readers.js';

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
  for await (const r of readHuntFile(file, options)) {
    if (r.kind === 'bad') yield r;
    else if (r.kind === 'event') {
      if (pipeline !== 'raw' && isEvtxDocument(r.event)) {
        const p = (PARSE_TYPES.windows as ParseType).toEcs(JSON.stringify(r.event), ctx(file, r.line, now));
        if (p.ok) for (const e of p.events) yield { kind: 'event', event: e as Record<string, unknown>, line: r.line };
        else yield { kind: 'bad', line: r.line, reason: p.error.message };
      } else yield r;
    } else {
      if (r.text.trim() === '') continue;
      const type = PARSE_TYPES[detectParseType(r.text)] as ParseType;
      const p = type.toEcs(r.text, ctx(file, r.line, now));
      if (!p.ok) yield { kind: 'bad', line: r.line, reason: `${p.error.message} [${p.error.code}]` };
      else
        for (const e of p.events) {
          if (e.event?.kind === 'pipeline_error') yield { kind: 'bad', line: r.line, reason: 'unreadable record' };
          else yield { kind: 'event', event: e as Record<string, unknown>, line: r.line };
        }
    }
  }
}
