/**
 * Parsed rule models kept on disk between runs, so that `vigil hunt` over the same rules does not
 * read thousands of YAML files again: reading the SigmaHQ corpus is about a third of its start-up.
 *
 * An entry is a model the fast parser built without a problem, keyed by a hash of the file's
 * path and text (the model names its file); a changed file misses and is parsed again. The
 * cache file's name hashes the parser's and compiler's own source (every module under
 * detections/sigma, detections/model and core/yaml, and the versions of js-yaml and re2js), the
 * V8 version and the rule paths, so that other code or other rule folders never read it. A
 * model is kept only when it also compiled without a problem (and no `expand` placeholders
 * were given), so a lazy compile (`vigil hunt`) of a cached model skips the load-time check. A file that cannot be read or
 * decoded is ignored; saving keeps the entries this run used, written whole and renamed into
 * place (at most 8 cache files are kept, none unused for 30 days). Only clean models are
 * cached: a rule with a problem is parsed (and located) each time.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { deepFreeze } from '../model/index.js';
import type { Rule, SigmaFilter } from './model.js';
import type { ParsedFile } from './parse.js';

type Entry = { readonly rule: Rule } | { readonly filter: SigmaFilter };

const FORMAT = 'vigil-sigma-parse-cache/1';
/** When a cache file is saved, the others no run has used for this long are removed, and all but the most recent few. */
const MAX_AGE_MS = 30 * 24 * 3600 * 1000;
const MAX_FILES = 8;

/** `$VIGIL_CACHE_DIR`, else the user's cache folder (`$XDG_CACHE_HOME` or ~/.cache), under vigil/sigma. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VIGIL_CACHE_DIR) return join(env.VIGIL_CACHE_DIR, 'sigma');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'vigil', 'sigma');
}

let version: string | null | undefined;

/** A hash of the code that builds rule models; null when the sources cannot be read (no cache then). */
function parserVersion(): string | null {
  if (version !== undefined) return version;
  try {
    const hash = createHash('sha256').update(`${FORMAT}\n${process.versions.v8}\n`);
    const require = createRequire(import.meta.url);
    for (const pkg of ['js-yaml', 're2js']) hash.update(`${pkg}@${packageVersion(require.resolve(pkg), pkg)}\n`);
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.[cm]?[jt]s$/.test(e.name) && !/\.test\.[cm]?[jt]s$/.test(e.name)) hash.update(`\n${e.name}\n`).update(readFileSync(p));
      }
    };
    for (const dir of ['./', '../model/', '../../core/yaml/']) walk(fileURLToPath(new URL(dir, import.meta.url)));
    version = hash.digest('hex');
  } catch {
    version = null;
  }
  return version;
}

/** The version in the package.json of `name` above its resolved entry point (packages need not export package.json). */
function packageVersion(entry: string, name: string): string {
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    let pkg: { name?: string; version?: string };
    try {
      pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
    } catch {
      continue;
    }
    if (pkg.name === name && pkg.version) return pkg.version;
  }
  throw new Error(`no package.json for ${name}`);
}

export class ParseCache {
  private readonly entries: Map<string, Entry>;
  private readonly used = new Map<string, Entry>();
  private added = 0;

  private constructor(
    private readonly file: string | undefined,
    entries: Map<string, Entry>,
  ) {
    this.entries = entries;
  }

  /** The cache of these rule paths in `dir`; empty (and never saved) when the parser's source cannot be hashed. */
  static open(dir: string, paths: readonly string[]): ParseCache {
    const v = parserVersion();
    if (v === null) return new ParseCache(undefined, new Map());
    const scope = createHash('sha256')
      .update(`${v}\n${paths.map((p) => resolve(p)).join('\n')}`)
      .digest('hex')
      .slice(0, 32);
    const file = join(dir, `${scope}.bin`);
    return new ParseCache(file, readEntries(file));
  }

  private static key(file: string, text: string): string {
    return createHash('sha1').update(file).update('\0').update(text).digest('base64');
  }

  /** The model of this file's text, when a run parsed that text at that path before. */
  get(file: string, text: string): ParsedFile | undefined {
    const key = ParseCache.key(file, text);
    const e = this.entries.get(key);
    if (!isEntry(e)) return undefined;
    this.used.set(key, e);
    deepFreeze(e);
    return { ...e, problems: [], located: false };
  }

  /** Keeps a model that the fast parser built and that compiled without a problem. */
  put(file: string, text: string, parsed: ParsedFile): void {
    if (parsed.located || parsed.problems.length > 0) return;
    const e: Entry | undefined = parsed.rule ? { rule: parsed.rule } : parsed.filter ? { filter: parsed.filter } : undefined;
    if (!e) return;
    this.used.set(ParseCache.key(file, text), e);
    this.added++;
  }

  /** Writes the entries this run used, when they differ from what was read. Best effort: a cache that cannot be written is skipped. */
  save(): void {
    if (!this.file) return;
    if (this.added === 0 && this.used.size === this.entries.size) {
      touch(this.file);
      return;
    }
    const dir = join(this.file, '..');
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(tmp, serialize({ format: FORMAT, entries: [...this.used] }), { mode: 0o600 });
      renameSync(tmp, this.file);
      pruneOld(dir, this.file);
    } catch {
      try {
        unlinkSync(tmp);
      } catch {
        // nothing was written
      }
    }
  }
}

function isEntry(e: unknown): e is Entry {
  if (e === null || typeof e !== 'object') return false;
  const model = (e as { rule?: unknown; filter?: unknown }).rule ?? (e as { filter?: unknown }).filter;
  return model !== null && typeof model === 'object' && (model as { detection?: unknown }).detection !== undefined;
}

function readEntries(file: string): Map<string, Entry> {
  try {
    const data = deserialize(readFileSync(file)) as { format?: unknown; entries?: unknown };
    if (data?.format !== FORMAT || !Array.isArray(data.entries)) return new Map();
    return new Map(data.entries as Array<[string, Entry]>);
  } catch {
    return new Map();
  }
}

/** Marks a cache file used (pruning goes by modification time). */
function touch(file: string): void {
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // not there, or not ours: it will be written next time
  }
}

function pruneOld(dir: string, keep: string): void {
  const now = Date.now();
  const others: { path: string; mtime: number }[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path === keep || !name.endsWith('.bin')) continue;
    try {
      others.push({ path, mtime: statSync(path).mtimeMs });
    } catch {
      // another run removed it
    }
  }
  others.sort((a, b) => b.mtime - a.mtime);
  others.forEach((f, i) => {
    if (i < MAX_FILES - 1 && now - f.mtime <= MAX_AGE_MS) return;
    try {
      unlinkSync(f.path);
    } catch {
      // another run removed it
    }
  });
}
