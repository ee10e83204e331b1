import { JSONPath } from 'jsonpath-plus';

// Plain names (ECS `@timestamp` included), array indices and `*`. Filters, scripts, `..`, unions
// and slices are refused: a path only selects, it never runs code.
const SEGMENT = /^(?:\*|@?[A-Za-z0-9_][A-Za-z0-9_.-]*)$/;

/** A checked JSONPath: `definite` when it names at most one value (no wildcard). */
export interface SafePath {
  path: string;
  definite: boolean;
}

/** Checks a JSONPath over plain data; a string result is the reason it is refused. */
export function checkPath(path: string): SafePath | string {
  if (!path.startsWith('$')) return `"${path}" is not a JSONPath (it starts with $)`;
  if (path.includes('..')) return `"${path}": recursive descent (..) is not supported`;
  let segments: string[];
  try {
    segments = JSONPath.toPathArray(path).slice(1);
  } catch (err) {
    return `"${path}" is not a JSONPath: ${(err as Error).message}`;
  }
  for (const seg of segments) {
    if (seg.startsWith('?(') || seg.startsWith('(')) return `"${path}": script expressions are not allowed`;
    if (!SEGMENT.test(seg)) return `"${path}": unsupported segment "${seg}" (use names, indices and *)`;
  }
  return { path, definite: !segments.includes('*') };
}

/** The value a checked path selects: one value (or undefined) when definite, else a list. */
export function selectPath(p: SafePath, json: unknown): unknown {
  // eval: false makes jsonpath-plus refuse any script segment, a second line behind checkPath.
  const found = JSONPath({ path: p.path, json: json as object, eval: false, wrap: true }) as unknown[];
  return p.definite ? found[0] : found;
}
