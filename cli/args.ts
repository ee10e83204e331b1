import { VigilError } from '../core/errors/index.js';

/** A tiny `--flag value` / `--switch` parser; unknown flags are usage errors. */
export function parseArgs<F extends string, S extends string>(
  argv: string[],
  spec: { flags?: readonly F[]; switches?: readonly S[] },
): { flags: Partial<Record<F, string>>; switches: Partial<Record<S, boolean>>; positional: string[] } {
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
    if ((spec.switches as readonly string[] | undefined)?.includes(name)) {
      switches[name as S] = true;
    } else if ((spec.flags as readonly string[] | undefined)?.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new VigilError('CLI_USAGE', `--${name} needs a value`);
      flags[name as F] = value;
    } else {
      throw new VigilError('CLI_USAGE', `unknown option --${name}`);
    }
  }
  return { flags, switches, positional };
}
