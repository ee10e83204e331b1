/**
 * Components stand alone: no input imports another input and no sink another sink (what two of
 * them share is a building block: ingest/net, framing, parsers, normalize, checkpoint). So a new
 * input or sink is one folder to copy, and removing one breaks nothing else.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Folders whose sub-folders are components, each standing alone. */
const COMPONENT_FOLDERS = ['ingest/inputs', 'sinks'];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(`${dir}/${e.name}`) : /\.(?:ts|mjs|js)$/.test(e.name) ? [`${dir}/${e.name}`] : [],
  );
}

/** The component (`<folder>/<name>`) a repo-relative path belongs to, if any. */
function componentOf(path: string): string | undefined {
  for (const folder of COMPONENT_FOLDERS) {
    const rest = path.startsWith(`${folder}/`) ? path.slice(folder.length + 1) : undefined;
    if (rest?.includes('/')) return `${folder}/${rest.split('/')[0]}`;
  }
  return undefined;
}

/** `file imports target` for each relative import of `source` that lands in another component. */
function crossings(file: string, source: string): string[] {
  const own = componentOf(file);
  if (!own) return [];
  const out: string[] = [];
  for (const m of source.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*(['"])(\.[^'"\n]+)\1/g)) {
    const target = relative(ROOT, resolve(ROOT, dirname(file), m[2] as string))
      .split(sep)
      .join('/');
    const other = componentOf(target);
    if (other && other !== own) out.push(`${file} imports ${target}`);
  }
  return out;
}

describe('component boundaries', () => {
  it('sees an import from one input into another, and not one into a building block', () => {
    const file = 'ingest/inputs/gcp-pubsub/server.ts';
    expect(crossings(file, "import { readBody } from '../aws-firehose/http.js';")).toEqual([
      'ingest/inputs/gcp-pubsub/server.ts imports ingest/inputs/aws-firehose/http.js',
    ]);
    expect(crossings(file, "import { readBody } from '../../net/body.js';\nimport { schema } from './config.js';")).toEqual([]);
  });

  it.each(COMPONENT_FOLDERS)('no component under %s imports another', (folder) => {
    const files = sourceFiles(folder);
    expect(files.length).toBeGreaterThan(1);
    expect(files.flatMap((f) => crossings(f, readFileSync(join(ROOT, f), 'utf8')))).toEqual([]);
  });
});
