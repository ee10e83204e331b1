/**
 * Components stand alone: no input imports another input and no sink another sink (what two of
 * them share is a building block: ingest/net, framing, parsers, normalize, checkpoint; the sink
 * runner and routes). So a new input or sink is one folder to copy, and removing one breaks
 * nothing else. The components are the registered types, each in the folder of its name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { INPUTS } from '../../ingest/inputs/registry.js';
import { SINK_SCHEMAS } from '../../sinks/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Folders holding components, with the registered component names. */
const COMPONENTS: Record<string, readonly string[]> = {
  'ingest/inputs': Object.keys(INPUTS),
  sinks: Object.keys(SINK_SCHEMAS),
};
const COMPONENT_FOLDERS = Object.keys(COMPONENTS);
/** Sub-folders of those that are building blocks every component may use, not components. */
const BUILDING_BLOCKS = new Set(['sinks/runner', 'sinks/routes']);

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(`${dir}/${e.name}`) : /\.(?:ts|mjs|js)$/.test(e.name) ? [`${dir}/${e.name}`] : [],
  );
}

/** The component (`<folder>/<name>`) a repo-relative path belongs to, if any. */
function componentOf(path: string): string | undefined {
  for (const folder of COMPONENT_FOLDERS) {
    const rest = path.startsWith(`${folder}/`) ? path.slice(folder.length + 1) : undefined;
    const component = rest?.includes('/') ? `${folder}/${rest.split('/')[0]}` : undefined;
    if (component && !BUILDING_BLOCKS.has(component)) return component;
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
    expect(crossings('sinks/http/sink.ts', "import { startSinkRunner } from '../runner/index.js';")).toEqual([]);
    expect(crossings('sinks/http/sink.ts', "import { encodeCef } from '../syslog/cef.js';")).toEqual([
      'sinks/http/sink.ts imports sinks/syslog/cef.js',
    ]);
  });

  it.each(COMPONENT_FOLDERS)('every component under %s has its folder, and none imports another', (folder) => {
    for (const name of COMPONENTS[folder] ?? []) expect(sourceFiles(`${folder}/${name}`).length, `${folder}/${name}`).toBeGreaterThan(0);
    const files = sourceFiles(folder);
    expect(files.length).toBeGreaterThan(1);
    expect(files.flatMap((f) => crossings(f, readFileSync(join(ROOT, f), 'utf8')))).toEqual([]);
  });
});
