import { VigilError } from '../core/errors/index.js';

/**
 * A tiny `--flag value` / `--switch` parser; unknown flags are usage errors. A `lists` flag may
 * be repeated and takes comma-separated values (`--rules a --rules b,c`).
 */
export function parseArgs<F extends string, S extends string, L extends string = never>(
  argv: string[],
  spec: { flags?: readonly F[]; switches?: readonly S[]; lists?: readonly L[] },
): { flags: Partial<Record<F, string>>; switches: Partial<Record<S, boolean>>; lists: Record<L, string[]>; positional: string[] } {
  const lists = Object.fromEntries((spec.lists ?? []).map((l) => [l, [] as string[]])) as Record<L, string[]>;
  const flags: Partial<Record<F, string>> = {};
  const switches: Partial<Record<S, boolean>> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    if ((spec.lists as readonly string[] | undefined)?.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new VigilError('CLI_USAGE', `--${name} needs a value`);
      lists[name as L].push(...value.split(',').filter(Boolean));
    } else if ((spec.switches as readonly string[] | undefined)?.includes(name)) {
      switches[name as S] = true;
    } else if ((spec.flags as readonly string[] | undefined)?.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new VigilError('CLI_USAGE', `--${name} needs a value`);
      flags[name as F] = value;
    } else {
      throw new VigilError('CLI_USAGE', `unknown option --${name}`);
    }
  }
  return { flags, switches, lists, positional };
}
