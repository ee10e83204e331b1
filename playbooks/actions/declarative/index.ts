import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VigilError, errorMessage } from '../../../core/errors/index.js';
import type { ActionSpec } from '../types.js';
import { toAction } from './action.js';
import { parseLibraryFile } from './spec.js';

/** Where the library files live: one `<name>.yml` per action. */
export const LIBRARY_DIR = fileURLToPath(new URL('../library/', import.meta.url));

/**
 * The action of library file `<name>.yml`, read and checked when the registry is built: a broken
 * file stops Vigil at start with its file and line, instead of failing a run later.
 */
export function libraryAction(name: string, dir = LIBRARY_DIR): ActionSpec {
  const file = `${dir}${name}.yml`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new VigilError('ACTION_LIBRARY_INVALID', `cannot read library action ${name}: ${errorMessage(err)}`, {
      location: { file },
      cause: err,
    });
  }
  return toAction(parseLibraryFile(text, file));
}

/** Names of every file in the library folder (for the test that each one is registered). */
export function libraryFileNames(dir = LIBRARY_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => f.replace(/\.ya?ml$/, ''))
    .sort();
}

export { parseLibraryFile, type LibrarySpec } from './spec.js';
