/** YAML errors past this many in one document are summed up in one last problem. */
export const MAX_YAML_ERRORS = 10;

/** What the `yaml` package reports per error: a message and the offsets it spans. */
export interface YamlErrorLike {
  readonly message: string;
  readonly pos: readonly [number, number];
}

/**
 * A document's first YAML errors as problems of the caller's kind, and one more that counts the
 * rest. A broken quote can make the parser report an error every two bytes (over 100,000 for one
 * file): the first few say where to look, and listing the rest would cost more than parsing did.
 */
export function firstYamlErrors<T>(
  errors: readonly YamlErrorLike[],
  lineCounter: { linePos(offset: number): { line: number; col: number } },
  problem: (message: string, line: number, column: number) => T,
): T[] {
  const out: T[] = [];
  let last = { line: 1, col: 1 };
  for (const err of errors.slice(0, MAX_YAML_ERRORS)) {
    last = lineCounter.linePos(err.pos[0]);
    out.push(problem(err.message.split('\n')[0] as string, last.line, last.col));
  }
  const more = errors.length - MAX_YAML_ERRORS;
  if (more > 0) out.push(problem(`${more} more error${more === 1 ? '' : 's'} after this one`, last.line, last.col));
  return out;
}
