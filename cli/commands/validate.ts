import { ConfigError, loadConfig } from '../config/schema.js';
import { parseArgs } from '../args.js';

/** Where output goes; tests pass their own. */
export interface ValidateIo {
  out: (line: string) => void;
  env: Readonly<Record<string, string | undefined>>;
}

const defaultIo: ValidateIo = { out: (line) => console.log(line), env: process.env };

/**
 * `vigil validate [<file>…]` (default `vigil.yaml`, or `--config <file>` as for `vigil run`).
 * Prints every problem as `file:line:col path: message [CODE]`, then `N problems in <file>`;
 * exits 2 when any file has a problem, 0 after `<file>: ok` for each good one.
 */
export async function run(argv: string[], io: ValidateIo = defaultIo): Promise<number> {
  const { flags, positional } = parseArgs(argv, { flags: ['config'] as const });
  const files = [...positional, ...(flags.config ? [flags.config] : [])];
  if (files.length === 0) files.push('vigil.yaml');
  let status = 0;
  for (const file of files) {
    try {
      loadConfig(file, io.env);
      io.out(`${file}: ok`);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      for (const problem of err.problems) io.out(problem.describe());
      const n = err.problems.length;
      io.out(`${n} problem${n === 1 ? '' : 's'} in ${file}`);
      status = 2;
    }
  }
  return status;
}
