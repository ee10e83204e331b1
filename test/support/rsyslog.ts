/**
 * A real rsyslog receiver for tests: `rsyslogd -n` with its own config, imtcp on a free loopback
 * port, every message's MSG part appended to a file, one line each. rsyslog is installed by
 * `scripts/ensure-syslog-clients.sh`; `RSYSLOGD` tells whether it is there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canConnect, freePort } from './child.js';

export const RSYSLOGD = '/usr/sbin/rsyslogd';

export interface RsyslogReceiver {
  port: number;
  /** The lines written so far (the MSG part of each message). */
  lines(): string[];
  /** What rsyslogd printed, for a failure message. */
  output(): string;
  stop(): Promise<void>;
}

export async function startRsyslog(): Promise<RsyslogReceiver> {
  const work = mkdtempSync(join(tmpdir(), 'vigil-rsyslog-'));
  const port = await freePort();
  const file = join(work, 'out.log');
  const conf = join(work, 'rsyslog.conf');
  writeFileSync(
    conf,
    [
      `global(workDirectory="${work}" maxMessageSize="64k")`,
      'module(load="imtcp")',
      `input(type="imtcp" port="${port}" address="127.0.0.1" ruleset="out")`,
      'template(name="msgonly" type="string" string="%msg:::drop-last-lf%\\n")',
      `ruleset(name="out") { action(type="omfile" file="${file}" template="msgonly") }`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(RSYSLOGD, ['-n', '-f', conf, '-i', join(work, 'pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    rmSync(work, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  while (!(await canConnect(port))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`rsyslogd never listened on ${port}:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    lines: () =>
      existsSync(file)
        ? readFileSync(file, 'utf8')
            .split('\n')
            .filter((l) => l !== '')
        : [],
    output: () => out,
    stop,
  };
}
