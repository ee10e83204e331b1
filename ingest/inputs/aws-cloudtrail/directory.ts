import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { AwsCloudTrailInputConfig } from './config.js';
import { errorMessage } from '../../../core/errors/index.js';
import { metrics, type Logger } from '../../../core/telemetry/index.js';
import { StateFile, defaultStateFile } from '../../checkpoint/state-file.js';
import { pause as sleep } from '../../poll/pause.js';
import { Batch, emit, type EmitTarget } from '../../normalize/cloud/index.js';
import { cloudTrailFileResults } from './files.js';
import { isCloudTrailLogKey } from './notifications.js';
import type { Poller } from './sqs.js';

interface DirectoryState {
  /** Relative path → size when read: a file is read once (CloudTrail never appends to a file). */
  done: Record<string, number>;
}

async function* walk(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile() && /\.json(\.gz)?$/.test(entry.name)) yield path;
  }
}

/**
 * Directory mode: every `.json.gz` (or `.json`) file under `directory` (as `aws s3 sync` lays out
 * a CloudTrail bucket), digest and Insights files skipped, each read once. A file counts as done
 * — in the state file — only after Kafka acknowledged its records; a restart reads on from there.
 */
export function startDirectoryReader(
  cfg: AwsCloudTrailInputConfig,
  target: EmitTarget,
  log: Logger,
): Poller & { scanned(): Promise<void> } {
  const labels = { kind: 'input', id: cfg.id } as const;
  const root = cfg.directory as string;
  const state = new StateFile<DirectoryState>(cfg.stateFile ?? defaultStateFile(cfg.id));
  const abort = new AbortController();
  let done: Record<string, number> = {};
  let firstScan: () => void = () => undefined;
  const scannedOnce = new Promise<void>((resolve) => (firstScan = resolve));

  async function scan(): Promise<void> {
    for await (const path of walk(root)) {
      if (abort.signal.aborted) return;
      const rel = relative(root, path);
      if (done[rel] !== undefined || !isCloudTrailLogKey(rel)) continue;
      const bytes = await readFile(path);
      const ctx = { inputId: cfg.id, receivedAt: new Date(), keepOriginal: cfg.keepOriginal };
      await emit(target, new Batch(cfg.id).add(cloudTrailFileResults(bytes, ctx, rel)));
      done[rel] = (await stat(path)).size;
      await state.save({ done });
    }
  }

  const loop = (async () => {
    try {
      done = (await state.load())?.done ?? {};
    } catch (err) {
      metrics.errors.inc({ ...labels, code: 'INPUT_STATE' });
      log.error({ err: errorMessage(err) }, 'cannot read the state file; not starting');
      firstScan();
      return;
    }
    while (!abort.signal.aborted) {
      try {
        await scan();
      } catch (err) {
        metrics.errors.inc({ ...labels, code: 'INPUT_STATE' });
        log.warn({ err: errorMessage(err) }, 'directory scan failed; retrying at the next scan');
      }
      firstScan();
      await sleep(cfg.scanIntervalSeconds * 1000, abort.signal);
    }
  })();

  return {
    scanned: () => scannedOnce,
    async stop() {
      abort.abort();
      await loop;
    },
  };
}
