/**
 * Production code never depends on test code: no file of the shipped folders imports a test
 * framework or a helper from test/. A helper that needs `expect` belongs in test/support/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PRODUCTION = ['core', 'ingest', 'detections', 'playbooks', 'sinks', 'api', 'cli', 'kibana'];
const TEST_FRAMEWORKS = /^(?:vitest|@vitest\/.*|vitest\/.*)$/;

/** Every module specifier of a source text: static and dynamic imports, `export … from`. */
function specifiers(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*(['"])([^'"\n]+)\1/g)) out.push(m[2] as string);
  return out;
}

/** Why `spec`, imported by `file` (repo-relative), pulls test code into production; undefined when it does not. */
function testImport(file: string, spec: string): string | undefined {
  if (TEST_FRAMEWORKS.test(spec)) return `imports the test framework '${spec}'`;
  if (!spec.startsWith('.')) return undefined;
  const target = relative(ROOT, resolve(ROOT, dirname(file), spec))
    .split(sep)
    .join('/');
  return target === 'test' || target.startsWith('test/') ? `imports '${spec}' from the test tree` : undefined;
}

function productionFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'fixtures') out.push(...productionFiles(path));
    } else if (/\.(?:ts|js|mjs)$/.test(entry.name) && !/\.test\.(?:ts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      out.push(path);
    }
  }
  return out;
}

function offences(file: string, source: string): string[] {
  return specifiers(source).flatMap((spec) => {
    const why = testImport(file, spec);
    return why ? [`${file} ${why}`] : [];
  });
}

describe('production code and test code', () => {
  it('finds the test imports it is meant to refuse', () => {
    const source = [
      "import { expect } from 'vitest';",
      "import type { Mock } from '@vitest/spy';",
      "export { cases } from '../../test/support/sigma.js';",
      "const helper = await import('../../test/support/wait.js');",
      "import { parseRule } from '../sigma/parse.js';",
      "import { Kafka } from 'kafkajs';",
      "import { latest } from './test/latest.js';",
    ].join('\n');
    expect(offences('detections/engine/stage.ts', source)).toEqual([
      "detections/engine/stage.ts imports the test framework 'vitest'",
      "detections/engine/stage.ts imports the test framework '@vitest/spy'",
      "detections/engine/stage.ts imports '../../test/support/sigma.js' from the test tree",
      "detections/engine/stage.ts imports '../../test/support/wait.js' from the test tree",
    ]);
  });

  it.each(PRODUCTION)('no file under %s/ outside its tests imports vitest or test/', (dir) => {
    const files = productionFiles(dir);
    expect(files.length).toBeGreaterThan(0);
    const found = files.flatMap((file) => offences(file, readFileSync(join(ROOT, file), 'utf8')));
    expect(found).toEqual([]);
  });
});
