import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { VigilError, errorMessage } from '../../core/errors/index.js';

/** Where an input keeps its checkpoint when the config names no file. */
export function defaultStateFile(inputId: string): string {
  return join('.vigil', 'state', `${inputId}.json`);
}

/**
 * A small JSON checkpoint file. Writes go to a temporary file renamed over the old one, so a
 * crash leaves the previous checkpoint or the new one, never half of one.
 */
export class StateFile<T> {
  constructor(readonly path: string) {}

  /** The saved state, or undefined when there is none yet. */
  async load(): Promise<T | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new VigilError('INPUT_STATE', `cannot read ${this.path}: ${errorMessage(err)}`, { cause: err });
    }
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new VigilError('INPUT_STATE', `${this.path} is not valid JSON: ${errorMessage(err)}`, { cause: err, retriable: false });
    }
  }

  async save(state: T): Promise<void> {
    const tmp = `${this.path}.${process.pid}.tmp`;
    try {
      await mkdir(dirname(this.path), { recursive: true });
      await writeFile(tmp, `${JSON.stringify(state)}\n`);
      await rename(tmp, this.path);
    } catch (err) {
      throw new VigilError('INPUT_STATE', `cannot write ${this.path}: ${errorMessage(err)}`, { cause: err });
    }
  }
}
