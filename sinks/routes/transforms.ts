import { createHmac } from 'node:crypto';
import { deletePath, getPath, setPath, splitPath, type Path } from './paths.js';

/**
 * The per-record transforms of a route, each compiled once from its config to a function that
 * changes the record in place (the runner parses each record afresh and a record takes one route).
 */
export type Doc = Record<string, unknown>;
export type Transform = (doc: Doc) => Doc;

/** Only `fields` (and what they hold) are kept. */
export function keepFields(fields: readonly string[]): Transform {
  const paths = fields.map(splitPath);
  return (doc) => {
    const out: Doc = {};
    for (const p of paths) {
      const v = getPath(doc, p);
      if (v !== undefined) setPath(out, p, v);
    }
    return out;
  };
}

export function dropFields(fields: readonly string[]): Transform {
  const paths = fields.map(splitPath);
  return (doc) => {
    for (const p of paths) deletePath(doc, p);
    return doc;
  };
}

/** `from → to`; a field that is absent stays absent (no `to: undefined`). */
export function renameFields(map: Readonly<Record<string, string>>): Transform {
  const pairs = Object.entries(map).map(([from, to]) => [splitPath(from), splitPath(to)] as const);
  return (doc) => {
    for (const [from, to] of pairs) {
      const v = getPath(doc, from);
      if (v === undefined) continue;
      deletePath(doc, from);
      setPath(doc, to, v);
    }
    return doc;
  };
}

export const REDACTED = '[REDACTED]';

export function redactFields(fields: readonly string[]): Transform {
  const paths = fields.map(splitPath);
  return (doc) => {
    for (const p of paths) if (getPath(doc, p) !== undefined) setPath(doc, p, REDACTED);
    return doc;
  };
}

/**
 * HMAC-SHA256 (hex) of each value under `secret`: the same user hashes to the same value in
 * every record and every sink sharing the secret, so joins and counts still work, and without the
 * secret the value cannot be confirmed by hashing guesses (which a plain hash would allow).
 * Non-string values are hashed as their JSON; arrays element by element.
 */
export function hashFields(fields: readonly string[], secret: string): Transform {
  const paths = fields.map(splitPath);
  const hmac = (v: unknown): string =>
    createHmac('sha256', secret)
      .update(typeof v === 'string' ? v : JSON.stringify(v))
      .digest('hex');
  return (doc) => {
    for (const p of paths) {
      const v = getPath(doc, p);
      if (v === undefined || v === null) continue;
      setPath(doc, p, Array.isArray(v) ? v.map(hmac) : hmac(v));
    }
    return doc;
  };
}

/**
 * Cuts strings longer than their limit (in UTF-16 code units, never splitting a surrogate pair)
 * and lists the cut fields in `vigil.truncated`, so that a reader knows the value is partial.
 */
export function truncateFields(limits: Readonly<Record<string, number>>): Transform {
  const entries = Object.entries(limits).map(([f, n]) => ({ field: f, path: splitPath(f), n }));
  return (doc) => {
    let cut: string[] | undefined;
    for (const { field, path, n } of entries) {
      const v = getPath(doc, path);
      if (typeof v !== 'string' || v.length <= n) continue;
      const end = isHighSurrogate(v.charCodeAt(n - 1)) ? n - 1 : n;
      setPath(doc, path, v.slice(0, end));
      (cut ??= []).push(field);
    }
    if (cut) {
      const prev = getPath(doc, TRUNCATED);
      setPath(doc, TRUNCATED, Array.isArray(prev) ? [...(prev as unknown[]), ...cut] : cut);
    }
    return doc;
  };
}

const TRUNCATED: Path = ['vigil', 'truncated'];
const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;

/** The transforms a route configures, in their fixed order: keep, drop, rename, redact, hash, truncate. */
export function compileTransforms(cfg: {
  keep?: readonly string[];
  drop?: readonly string[];
  rename?: Readonly<Record<string, string>>;
  redact?: readonly string[];
  hash?: { fields: readonly string[]; secret: string };
  truncate?: Readonly<Record<string, number>>;
}): Transform | undefined {
  const steps: Transform[] = [];
  if (cfg.keep?.length) steps.push(keepFields(cfg.keep));
  if (cfg.drop?.length) steps.push(dropFields(cfg.drop));
  if (cfg.rename && Object.keys(cfg.rename).length) steps.push(renameFields(cfg.rename));
  if (cfg.redact?.length) steps.push(redactFields(cfg.redact));
  if (cfg.hash) steps.push(hashFields(cfg.hash.fields, cfg.hash.secret));
  if (cfg.truncate && Object.keys(cfg.truncate).length) steps.push(truncateFields(cfg.truncate));
  if (steps.length === 0) return undefined;
  if (steps.length === 1) return steps[0];
  return (doc) => {
    let d = doc;
    for (const s of steps) d = s(d);
    return d;
  };
}
