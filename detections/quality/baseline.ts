/**
 * Backtest baselines: how many times each rule fired over a fixed data set, as a YAML or JSON
 * map of rule id → count. A rule missing from the baseline is expected not to fire. Comparing
 * counts gives a row for every rule whose count changed.
 */
import { readFileSync } from 'node:fs';
import { parseYaml } from '../../core/yaml/index.js';
import { VigilError } from '../../core/errors/index.js';

export type Counts = ReadonlyMap<string, number>;

export interface CountChange {
  readonly id: string;
  readonly title?: string;
  readonly baseline: number;
  readonly actual: number;
  /** `more`, `less`, `silent` (fired in the baseline, not now) or `new` (fires now, not in the baseline). */
  readonly change: 'more' | 'less' | 'silent' | 'new';
}

/** Reads a baseline file. Throws BACKTEST_BASELINE, naming the file and the entry at fault. */
export function readBaseline(file: string): Map<string, number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new VigilError('BACKTEST_BASELINE', `cannot read the baseline: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
      cause: err,
      location: { file },
    });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new VigilError('BACKTEST_BASELINE', `not YAML or JSON: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
      location: { file },
    });
  }
  if (doc === null || doc === undefined) return new Map();
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new VigilError('BACKTEST_BASELINE', 'a baseline is a map of rule id to fire count', { location: { file } });
  const out = new Map<string, number>();
  for (const [id, n] of Object.entries(doc)) {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
      throw new VigilError('BACKTEST_BASELINE', `the count of rule ${id} must be a whole number ≥ 0, not ${JSON.stringify(n)}`, {
        location: { file, path: id },
      });
    out.set(id, n);
  }
  return out;
}

/** The rule titles a baseline written by `formatBaseline` keeps as comments (`"id": 3  # Title`), by id. */
export function baselineTitles(file: string): Map<string, string> {
  const titles = new Map<string, string>();
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return titles;
  }
  for (const m of text.matchAll(/^"?([^"#:\s]+)"?\s*:\s*\d+\s+#\s*(.+)$/gm)) titles.set(m[1] as string, (m[2] as string).trim());
  return titles;
}

/** Every rule whose count differs from the baseline's, sorted by id. */
export function compareCounts(baseline: Counts, actual: Counts, titles: ReadonlyMap<string, string> = new Map()): CountChange[] {
  const changes: CountChange[] = [];
  for (const id of [...new Set([...baseline.keys(), ...actual.keys()])].sort()) {
    const b = baseline.get(id) ?? 0;
    const a = actual.get(id) ?? 0;
    if (a === b) continue;
    const change = b === 0 ? 'new' : a === 0 ? 'silent' : a > b ? 'more' : 'less';
    changes.push({ id, title: titles.get(id), baseline: b, actual: a, change });
  }
  return changes;
}

/** A baseline as YAML, one `id: count` line per rule that fired, its title as a comment. */
export function formatBaseline(counts: Counts, titles: ReadonlyMap<string, string>, header: readonly string[] = []): string {
  const lines = header.map((h) => `# ${h}`);
  for (const id of [...counts.keys()].sort()) {
    const n = counts.get(id) as number;
    if (n === 0) continue;
    const title = titles.get(id);
    lines.push(`${JSON.stringify(id)}: ${n}${title ? `  # ${title.replace(/\s+/g, ' ')}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A baseline as JSON (no comments, so no titles), one `"id": count` line per rule that fired. */
export function formatBaselineJson(counts: Counts): string {
  const fired = [...counts].filter(([, n]) => n > 0).sort((a, b) => a[0].localeCompare(b[0]));
  return `${JSON.stringify(Object.fromEntries(fired), null, 2)}\n`;
}
