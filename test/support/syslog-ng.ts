/**
 * syslog-ng for tests, unpacked by `scripts/ensure-syslog-clients.sh` into the state dir's cache
 * (no root install): where it is, and the command line that runs it in the foreground on a config
 * of the test's own, its persist, pid and control files in the test's folder.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SYSLOG_NG_HOME = resolve(process.env.VIGIL_STATE_DIR ?? '.vigil', 'cache', 'syslog-ng');
export const SYSLOG_NG = join(SYSLOG_NG_HOME, 'usr/sbin/syslog-ng');

/** Arguments and environment for `SYSLOG_NG`: foreground, `conf`, its state files in `work`. */
export function syslogNgCommand(conf: string, work: string): { args: string[]; env: NodeJS.ProcessEnv } {
  const lib = join(SYSLOG_NG_HOME, 'usr/lib/syslog-ng');
  // The modules sit in a folder named for the version (e.g. 3.38).
  const modules = readdirSync(lib).find((d) => /^\d+\.\d+$/.test(d)) ?? '';
  return {
    args: [
      '-F',
      '--no-caps',
      `--module-path=${join(lib, modules)}`,
      '-f',
      conf,
      '-R',
      join(work, 'persist'),
      '-p',
      join(work, 'pid'),
      '-c',
      join(work, 'ctl'),
    ],
    env: { ...process.env, LD_LIBRARY_PATH: lib },
  };
}
