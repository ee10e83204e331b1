/**
 * Loads `vigil.yaml`: parse (with positions), substitute `${VAR}` in string scalars, check
 * against the root schema, apply defaults. The root schema names every input and sink, so it is
 * assembled outside core (`cli/config/schema.ts`) and handed to `configLoader`. Every problem is collected, each with
 * `file:line:column` and its field path, and thrown together as one `ConfigError`.
 *
 * Notes on behaviour:
 * - An empty or comment-only file is all defaults.
 * - A field written with no value (`port:` or `port: ~`) counts as absent: its default
 *   applies, or it is reported as missing.
 * - An optional field that is empty after substitution (`apiKey: ${ES_API_KEY:-}`) is unset.
 * - A substituted value in a number or boolean field is converted (`port: ${PORT:-5514}`).
 * - When the YAML itself is malformed, only the syntax problems are reported: a tree the
 *   parser had to repair would give misleading schema problems.
 */
import { readFileSync } from 'node:fs';
import { LineCounter } from 'yaml';
import { parseYamlDocument } from '../yaml/index.js';
import { firstYamlErrors, VigilError } from '../errors/index.js';
import { Checker, INVALID, defaultOf } from './check.js';
import type { Env } from './env.js';
import { describeSchema, type FieldDoc } from './describe.js';
import type { Infer, ObjectSchema } from './dsl.js';

/**
 * Every problem found in one configuration file. Its own code, message and location are those
 * of the first problem in file order, so `describe()` alone is still useful; `problems` holds
 * them all.
 */
export class ConfigError extends VigilError {
  readonly file: string;
  readonly problems: readonly VigilError[];

  constructor(file: string, problems: readonly VigilError[]) {
    if (problems.length === 0) throw new Error('ConfigError needs at least one problem');
    const [first] = problems;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    super(first.code, `${first.message}${more}`, { location: first.location });
    this.name = 'ConfigError';
    this.file = file;
    this.problems = problems;
  }
}

/** Loading, defaults and docs of one root schema; the value loaded is `Infer` of it. */
export interface ConfigLoader<T> {
  /** Reads and loads a configuration file. Throws `ConfigError` listing every problem. */
  loadConfig(file: string, env?: Env): T;
  /** Loads configuration from text; `file` is only used in locations. */
  parseConfig(text: string, file: string, env?: Env): T;
  /** The configuration used when no file is given: every default. */
  defaultConfig(): T;
  /** One row per field, for docs and `vigil validate`. */
  describeSchema(): FieldDoc[];
}

export function configLoader<S extends ObjectSchema>(schema: S): ConfigLoader<Infer<S>> {
  type T = Infer<S>;
  const parseConfig = (text: string, file: string, env: Env = process.env): T => parseWith(schema, text, file, env) as T;
  return {
    loadConfig: (file, env = process.env) => parseConfig(readConfigText(file), file, env),
    parseConfig,
    defaultConfig: () => defaultOf(schema) as T,
    describeSchema: () => describeSchema(schema),
  };
}

function readConfigText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new ConfigError(file, [
      new VigilError('CONFIG_READ', `cannot read configuration: ${reason}`, { cause: err, location: { file } }),
    ]);
  }
  try {
    // Refuse rather than silently turn bad bytes into U+FFFD inside, say, a password.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    throw new ConfigError(file, [
      new VigilError('CONFIG_READ', 'cannot read configuration: not UTF-8 text', { cause: err, location: { file } }),
    ]);
  }
}

function parseWith(schema: ObjectSchema, text: string, file: string, env: Env): unknown {
  const lineCounter = new LineCounter();
  const doc = parseYamlDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ConfigError(
      file,
      firstYamlErrors(
        doc.errors,
        lineCounter,
        (message, line, column) => new VigilError('CONFIG_YAML', `invalid YAML: ${message}`, { location: { file, line, column } }),
      ),
    );
  }
  const checker = new Checker({ file, lineCounter, env, doc });
  const value = checker.root(schema, doc.contents);
  if (checker.problems.length || value === INVALID) {
    // INVALID always comes with a problem; the guard only keeps a bug from passing silently.
    const problems = checker.problems.length
      ? checker.problems
      : [new VigilError('CONFIG_TYPE', 'invalid configuration', { location: { file } })];
    throw new ConfigError(file, sortByPosition(problems));
  }
  return value;
}

/** File order; problems without a position (none today) keep their place at the front. */
function sortByPosition(problems: VigilError[]): VigilError[] {
  const key = (p: VigilError) => [p.location?.line ?? 0, p.location?.column ?? 0];
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => {
      const [al, ac] = key(a.p);
      const [bl, bc] = key(b.p);
      return al - bl || ac - bc || a.i - b.i;
    })
    .map(({ p }) => p);
}
