/**
 * How the folders of detections/ depend on each other: no import cycle between its files, the
 * shared model imports nothing else of detections/, and neither correlation/ nor incidents/
 * reaches into the engine (they share what they need through model/).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

type Graph = Map<string, string[]>;

/** Production files of `dir` (repo-relative) and the files of `dir` each imports. */
function importGraph(dir: string): Graph {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(join(ROOT, d), { withFileTypes: true })) {
      const p = `${d}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.test.ts')) files.push(p);
    }
  };
  walk(dir);
  const graph: Graph = new Map();
  for (const file of files) {
    const deps: string[] = [];
    const source = readFileSync(join(ROOT, file), 'utf8');
    for (const m of source.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*(['"])(\.[^'"\n]+)\1/g)) {
      const target = relative(ROOT, resolve(ROOT, dirname(file), (m[2] as string).replace(/\.js$/, '.ts')));
      if (target.startsWith(`${dir}/`) && existsSync(join(ROOT, target))) deps.push(target);
    }
    graph.set(file, deps);
  }
  return graph;
}

/** Every cycle of the graph, as one path through it (its strongly connected components of more than one file). */
function cycles(graph: Graph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop() as string;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** `from → to` for each import of a file under `from/` into a file under `to/`. */
function crossings(graph: Graph, from: string, to: string): string[] {
  return [...graph].flatMap(([file, deps]) =>
    file.startsWith(`${from}/`) ? deps.filter((d) => d.startsWith(`${to}/`)).map((d) => `${file} → ${d}`) : [],
  );
}

describe('imports inside detections/', () => {
  const graph = importGraph('detections');

  it('finds a cycle when there is one', () => {
    const sample: Graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(cycles(sample)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it('reads the folder', () => {
    expect(graph.get('detections/engine/stage.ts')).toContain('detections/model/index.ts');
  });

  it('has no import cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('keeps the shared model free of every other part of detections/', () => {
    for (const other of ['sigma', 'correlation', 'engine', 'incidents', 'pipelines', 'prefilter'])
      expect(crossings(graph, 'detections/model', `detections/${other}`)).toEqual([]);
  });

  it('lets neither correlation/ nor incidents/ reach into the engine', () => {
    expect(crossings(graph, 'detections/correlation', 'detections/engine')).toEqual([]);
    expect(crossings(graph, 'detections/incidents', 'detections/engine')).toEqual([]);
  });
});
