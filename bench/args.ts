/**
 * The benches' numeric options, checked as they are read: `--rate abc` stops a bench at once with
 * `--rate abc: not a number` (exit code 2) instead of running it with NaN. The options themselves
 * stay in each bench's `parseArgs` block.
 */

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const shown = (raw: string | undefined) => (raw === undefined ? '(no value)' : raw.trim() === '' ? `"${raw}"` : raw);

function toNumber(name: string, raw: string | undefined): number {
  const n = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(n)) fail(`--${name} ${shown(raw)}: not a number`);
  return n;
}

/** Option `--name` of `parseArgs`' `values` as a number; `fallback` when it was not given and has no default. */
export function num<V extends object>(values: V, name: keyof V & string, fallback?: number): number {
  const raw = values[name] as string | undefined;
  return raw === undefined && fallback !== undefined ? fallback : toNumber(name, raw);
}

/** Option `--name` as a comma-separated list of numbers (`--instances 1,2,3`). */
export function nums<V extends object>(values: V, name: keyof V & string): number[] {
  const raw = values[name] as string | undefined;
  const list = (raw ?? '').split(',').map((part) => (part.trim() === '' ? NaN : Number(part)));
  if (!list.every(Number.isFinite)) fail(`--${name} ${shown(raw)}: not a list of numbers`);
  return list;
}

/** `--name <value>` read anywhere in the command line, for the benches that take other words too; else `def`. */
export function arg(name: string, def?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

/** `arg(name)` as a number; `def` when the option is not on the command line. */
export function argNumber(name: string, def: number): number {
  return process.argv.includes(`--${name}`) ? toNumber(name, arg(name)) : def;
}
