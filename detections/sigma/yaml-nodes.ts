/**
 * Small helpers over `yaml` document nodes: positions through a LineCounter, alias
 * resolution, and the problem list a parse collects into.
 */
import { isAlias, isScalar, Scalar, type Document, type LineCounter } from 'yaml';
import type { Where } from './model.js';
import type { Problem } from './problems.js';

export interface ParseContext {
  /** The document the nodes belong to; needed to resolve `*alias` references. */
  readonly doc: Document | undefined;
  /** Present when the nodes were parsed from text: gives line and column. */
  readonly lineCounter: LineCounter | undefined;
  readonly problems: Problem[];
}

export function whereOf(ctx: ParseContext, node: unknown, path: string): Where {
  const range = (node as { range?: [number, number, number] | null } | null)?.range;
  if (!ctx.lineCounter || !range) return { path };
  const { line, col } = ctx.lineCounter.linePos(range[0]);
  return { path, line, column: col };
}

export function report(ctx: ParseContext, at: Where, message: string, unsupported = false): void {
  ctx.problems.push(unsupported ? { message, at, unsupported } : { message, at });
}

/** Follows a YAML alias to its anchored node. */
export function deref(ctx: ParseContext, node: unknown, path: string): unknown {
  if (!isAlias(node)) return node;
  const target = ctx.doc ? node.resolve(ctx.doc) : undefined;
  if (target === undefined) report(ctx, whereOf(ctx, node, path), `the alias '*${node.source}' cannot be resolved`);
  return target;
}

/** A scalar's value as a string, for places that want text (titles, tags); numbers are accepted and converted. */
export function scalarText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const v = node.value;
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

/**
 * Where the text of a scalar starts, when that maps one-to-one onto the source (a plain or
 * quoted scalar on one line), so that an offset into the value can become a column.
 */
export function contentWhere(ctx: ParseContext, node: unknown, path: string): Where {
  const at = whereOf(ctx, node, path);
  if (!isScalar(node) || !node.range || !ctx.lineCounter || at.column === undefined) return { path, line: at.line };
  const end = ctx.lineCounter.linePos(node.range[1]);
  if (end.line !== at.line) return { path, line: at.line };
  if (node.type === Scalar.PLAIN) return at;
  if (node.type === Scalar.QUOTE_SINGLE || node.type === Scalar.QUOTE_DOUBLE) return { ...at, column: at.column + 1 };
  return { path, line: at.line };
}

export function joinPath(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}
