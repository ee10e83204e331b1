import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Inputs the fuzzer once found slow or broken, one file each under `<target>/`, named by their
 * hash. Every run replays them first, so a fixed bug stays fixed; commit the ones a failing run
 * writes here together with the fix.
 */
export const REGRESSIONS_DIR = fileURLToPath(new URL('../fixtures/fuzz/regressions/', import.meta.url));

export interface RegressionCase {
  target: string;
  file: string;
  raw: Buffer;
}

/** Writes `raw` as a regression case of `target` (idempotent) and returns its path. */
export function saveRegression(target: string, raw: Buffer, dir = REGRESSIONS_DIR): string {
  const folder = join(dir, target);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${createHash('sha256').update(raw).digest('hex').slice(0, 16)}.bin`);
  if (!existsSync(file)) writeFileSync(file, raw);
  return file;
}

/** Every saved case, by target folder and file name. */
export function regressionCases(dir = REGRESSIONS_DIR): RegressionCase[] {
  if (!existsSync(dir)) return [];
  const out: RegressionCase[] = [];
  for (const target of readdirSync(dir).sort()) {
    const folder = join(dir, target);
    for (const name of readdirSync(folder).sort()) {
      if (name.endsWith('.bin')) out.push({ target, file: join(folder, name), raw: readFileSync(join(folder, name)) });
    }
  }
  return out;
}
