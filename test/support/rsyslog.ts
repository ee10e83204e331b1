/**
 * Real rsyslog for tests, `rsyslogd -n` with a config of its own: a receiver (imtcp on a free
 * loopback port, every message's MSG part appended to a file, one line each) and a RELP sender
 * (imfile follows a file, omrelp sends each line). rsyslog and its omrelp module are installed
 * by `scripts/ensure-syslog-clients.sh`; `RSYSLOGD` and `OMRELP` tell whether they are there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canConnect, freePort, stopChild } from './child.js';

export const RSYSLOGD = '/usr/sbin/rsyslogd';
export const OMRELP = '/usr/lib/x86_64-linux-gnu/rsyslog/omrelp.so';

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
    await stopChild(child);
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

export interface RsyslogRelpSender {
  /** The file rsyslog follows: append lines to send them. */
  input: string;
  /** What rsyslogd printed, for a failure message. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * rsyslogd in the foreground: imfile follows `input`, every line goes to 127.0.0.1:`port` through
 * omrelp. `actionExtra` is added to the omrelp action (e.g. its TLS parameters).
 */
export function startRsyslogRelpSender(port: number, actionExtra = ''): RsyslogRelpSender {
  const work = mkdtempSync(join(tmpdir(), 'vigil-omrelp-'));
  const input = join(work, 'in.log');
  writeFileSync(input, '');
  const conf = join(work, 'rsyslog.conf');
  writeFileSync(
    conf,
    [
      `global(workDirectory="${work}")`,
      'module(load="imfile")',
      'module(load="omrelp")',
      `input(type="imfile" File="${input}" Tag="vigiltest:" Severity="info" Facility="local0" ruleset="relp")`,
      // Retry for ever, once a second: while the receiver is down the messages wait in the action queue.
      `ruleset(name="relp") { action(type="omrelp" target="127.0.0.1" port="${port}" windowSize="128"` +
        ` action.resumeRetryCount="-1" action.resumeInterval="1" queue.type="LinkedList" queue.size="100000" ${actionExtra}) }`,
      '',
    ].join('\n'),
  );
  const child = spawn(RSYSLOGD, ['-n', '-f', conf, '-i', join(work, 'pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return {
    input,
    output: () => out,
    stop: async () => {
      await stopChild(child);
      rmSync(work, { recursive: true, force: true });
    },
  };
}
