/**
 * Vitest global setup: the run's `VIGIL_CACHE_DIR` (the parsed-rule cache `vigil hunt` keeps,
 * detections/sigma/parse-cache.ts) is a fresh temporary folder, removed when the run ends, so
 * that tests running hunt in-process or as a child (which inherits the environment) never write
 * to the developer's ~/.cache. Tests of the cache itself open their own folders.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-test-cache-'));
  const before = process.env.VIGIL_CACHE_DIR;
  process.env.VIGIL_CACHE_DIR = dir;
  return () => {
    if (before === undefined) delete process.env.VIGIL_CACHE_DIR;
    else process.env.VIGIL_CACHE_DIR = before;
    rmSync(dir, { recursive: true, force: true });
  };
}
