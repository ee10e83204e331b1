/**
 * The values of Sigma placeholders as `vigil run` takes them from config: lists written in
 * `detections.placeholders`, and files of one value a line in `detections.placeholderFiles`
 * (read again on every rule reload, so an edited list takes effect without a restart).
 */
import { readFileSync } from 'node:fs';
import { VigilError } from '../../core/errors/index.js';
import type { Placeholders } from '../sigma/modifiers/index.js';

export interface PlaceholderSources {
  readonly placeholders?: Readonly<Record<string, readonly string[]>>;
  readonly placeholderFiles?: Readonly<Record<string, string>>;
}

/** One value a line; blank lines and `#` comments (whole lines, or after a space) are left out. */
export function parsePlaceholderFile(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const v = raw.replace(/(^|\s)#.*$/, '').trim();
    if (v !== '') out.push(v);
  }
  return out;
}

/** Every placeholder's values. Throws CONFIG_READ (with the file) when a file cannot be read. */
export function readPlaceholders(sources: PlaceholderSources): Placeholders {
  const out: Record<string, readonly string[]> = { ...sources.placeholders };
  for (const [name, file] of Object.entries(sources.placeholderFiles ?? {})) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new VigilError(
        'CONFIG_READ',
        `cannot read the values of placeholder '${name}' from ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        { cause: err, location: { file } },
      );
    }
    out[name] = parsePlaceholderFile(text);
  }
  return out;
}
