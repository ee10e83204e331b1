import { stat } from 'node:fs/promises';
import type { FileInputConfig } from './config.js';
import { VigilError, errorMessage, isVigilError } from '../../../core/errors/index.js';
import { logger, metrics } from '../../../core/telemetry/index.js';
import { Batch, emit, type EmitTarget } from '../../normalize/cloud/index.js';
import { isValidTimeZone } from '../../parsers/index.js';
import { pause as sleep } from '../../poll/pause.js';
import { lineResults, resumeLineState, type FileLineState } from './formats.js';
import { StateFile, defaultStateFile } from '../../checkpoint/state-file.js';
import { expandPath, findByInode, firstLine, openTracked, readLines, type Tracked } from './tail.js';

export interface FileInput {
  /** Not a listener: always 0. */
  port: number;
  close(): Promise<void>;
  connections(): never[];
  /** `read` mode: resolves once every file was read to its end. `tail` mode: after the first pass. */
  firstPass(): Promise<void>;
}

interface FileState {
  /** Path → the file it was (device, inode) and the offset after the last line Kafka acknowledged. */
  files: Record<string, { dev: number; ino: number; offset: number }>;
}

/** Bytes read from one file per pass, so that one busy file cannot starve the others or make huge batches. */
const MAX_BYTES_PER_PASS = 4 * 1024 * 1024;

/**
 * Tails files or reads them once. Lines are published per read; the checkpoint (device, inode,
 * offset per path) moves only after Kafka acknowledged them, so a restart re-reads at most the
 * batch in flight (with the same event ids). Rotation is followed by inode: a renamed file is
 * read to its end (last line included) before the new file at the path is read from its start;
 * a file rotated while Vigil was down is found by its inode in the same directory and finished
 * first. A file that shrank (copytruncate) is read again from its start.
 */
export async function startFileInput(cfg: FileInputConfig, target: EmitTarget): Promise<FileInput> {
  if (!isValidTimeZone(cfg.timezone)) {
    throw new VigilError('CONFIG_ENUM', `timezone "${cfg.timezone}" is not an IANA time zone`, {
      location: { path: `inputs.${cfg.id}.timezone` },
    });
  }
  const log = logger(cfg.id, { kind: 'input', type: 'file' });
  const labels = { kind: 'input', id: cfg.id } as const;
  const state = new StateFile<FileState>(cfg.stateFile ?? defaultStateFile(cfg.id));
  const files: FileState['files'] = (await state.load())?.files ?? {};
  const tracked = new Map<string, Tracked>();
  const draining: Tracked[] = [];
  let startup = true;
  const abort = new AbortController();
  let passDone: () => void = () => undefined;
  const firstPass = new Promise<void>((resolve) => (passDone = resolve));

  /**
   * Opens files not yet tracked. A file is known by device and inode, not by name: a rotated file
   * found under its new name (`app.log.1` in a watched directory) resumes where it was, and a
   * file rotated while Vigil was down is finished from its checkpoint before the new one is read.
   */
  async function discover(): Promise<void> {
    const expanded = new Set<string>();
    for (const p of cfg.paths) for (const path of await expandPath(p)) expanded.add(path);
    const offsets = new Map(Object.values(files).map((f) => [`${f.dev}:${f.ino}`, f.offset]));
    const open = new Set([...tracked.values(), ...draining].map((t) => `${t.dev}:${t.ino}`));
    let changed = false;
    for (const path of expanded) {
      if (tracked.has(path)) continue;
      const st = await stat(path).catch(() => undefined);
      if (!st) continue;
      const id = `${st.dev}:${st.ino}`;
      if (open.has(id)) continue; // the same file under a second name, already being read
      let offset = offsets.get(id);
      if (offset === undefined) {
        const saved = files[path];
        if (saved) {
          const rotated = await findByInode(path, saved.dev, saved.ino);
          if (rotated && !expanded.has(rotated)) draining.push(await openTracked(rotated, saved.offset));
        }
        // startAt applies to files present at startup; files appearing later are new: read whole.
        offset = !saved && startup && cfg.startAt === 'end' ? st.size : 0;
      }
      const t = await openTracked(path, offset);
      tracked.set(path, t);
      open.add(id);
      files[path] = { dev: t.dev, ino: t.ino, offset: t.committed };
      changed = true;
    }
    startup = false;
    if (changed) await state.save({ files });
  }

  /** Per open file: what its earlier lines say about the next (the VPC flow log header in force). */
  const lineStates = new WeakMap<Tracked, FileLineState>();

  /** Reads `t` to its current end, publishing batch by batch; `key` is its checkpoint entry. */
  async function pump(t: Tracked, final: boolean, key: string | undefined): Promise<void> {
    let lineState = lineStates.get(t);
    if (!lineState) {
      lineState = await resumeLineState(() => firstLine(t, cfg.maxLineBytes), cfg.format, t.readPos);
      lineStates.set(t, lineState);
    }
    for (;;) {
      const { lines, eof } = await readLines(t, cfg.maxLineBytes, MAX_BYTES_PER_PASS, final);
      if (lines.length > 0) {
        const batch = new Batch(cfg.id);
        const ctx = { inputId: cfg.id, receivedAt: new Date(), keepOriginal: cfg.keepOriginal };
        for (const l of lines) {
          if (l.tooLong !== undefined) {
            batch.fail(
              'FRAME_TOO_LARGE',
              `${t.path}: line of at least ${l.tooLong} bytes exceeds maxLineBytes (${cfg.maxLineBytes})`,
              l.raw,
            );
            continue;
          }
          const text = l.raw.toString('utf8');
          if (text.trim() === '') continue;
          const results = lineResults(
            { text, raw: l.raw, position: `${t.dev}:${t.ino}:${l.start}` },
            cfg.format,
            ctx,
            cfg.timezone,
            lineState,
          );
          for (const r of results) if (r.ok) r.event.log = { ...r.event.log, file: { path: t.path } };
          batch.add(results);
        }
        await emit(target, batch);
        t.committed = (lines[lines.length - 1] as { end: number }).end;
        if (key !== undefined) {
          files[key] = { dev: t.dev, ino: t.ino, offset: t.committed };
          await state.save({ files });
        }
      }
      if (eof || abort.signal.aborted) return;
    }
  }

  async function pass(): Promise<void> {
    await discover();
    while (draining.length > 0) {
      const d = draining[0] as Tracked;
      await pump(d, true, undefined);
      await d.fd.close();
      draining.shift();
    }
    for (const [path, t] of tracked) {
      if (abort.signal.aborted) return;
      await pump(t, cfg.mode === 'read', path);
      if (cfg.mode === 'read') continue;
      const st = await stat(path).catch(() => undefined);
      if (!st || st.ino !== t.ino || st.dev !== t.dev) {
        // Rotated (renamed or deleted): finish the old file, last line included, then let discover() open the new one.
        await pump(t, true, path);
        await t.fd.close();
        tracked.delete(path);
        delete files[path];
        // Under its new name (if still there), the checkpoint follows the file.
        const moved = await findByInode(path, t.dev, t.ino);
        if (moved) files[moved] = { dev: t.dev, ino: t.ino, offset: t.committed };
        await state.save({ files });
        log.info({ path, movedTo: moved }, 'file rotated');
      } else if (st.size < t.readPos) {
        log.info({ path, size: st.size, offset: t.readPos }, 'file truncated; reading from its start');
        t.readPos = 0;
        t.pending = Buffer.alloc(0);
        t.pendingStart = 0;
        t.discarding = false;
        t.committed = 0;
        lineStates.delete(t);
      }
    }
  }

  const loop = (async () => {
    let failures = 0;
    while (!abort.signal.aborted) {
      try {
        await pass();
        failures = 0;
        passDone();
        if (cfg.mode === 'read') {
          log.info({ files: tracked.size }, 'files read');
          return;
        }
      } catch (err) {
        failures++;
        metrics.errors.inc({ ...labels, code: isVigilError(err) ? err.code : 'INPUT_STATE' });
        log.warn({ err: errorMessage(err), failures }, 'file pass failed; retrying');
      }
      await sleep(failures > 0 ? Math.min(30_000, cfg.pollIntervalMs * 2 ** failures) : cfg.pollIntervalMs, abort.signal);
    }
  })();
  metrics.up.set(labels, 1);
  log.info({ paths: cfg.paths, mode: cfg.mode, format: cfg.format }, 'file input started');

  let closed: Promise<void> | undefined;
  return {
    port: 0,
    connections: () => [],
    firstPass: () => firstPass,
    close() {
      closed ??= (async () => {
        abort.abort();
        await loop;
        for (const t of [...tracked.values(), ...draining]) await t.fd.close().catch(() => undefined);
        tracked.clear();
        metrics.up.set(labels, 0);
      })();
      return closed;
    },
  };
}
