import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { connect, createServer } from 'node:net';
import { waitFor } from './wait.js';

/** A port that was free a moment ago (bind 0, read it, release it). */
export async function freePort(): Promise<number> {
  // Below Linux's ephemeral range (32768–60999): a port the OS handed out for `listen(0)` is free
  // again once closed, and the next `listen(0)` or outgoing connection of a test running beside
  // this one may take it before the process this port is meant for binds it (EADDRINUSE). Ports
  // picked here are bound only by tests that ask for them.
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const server = createServer();
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (!ok) continue;
    await new Promise((resolve) => server.close(resolve));
    return port;
  }
  throw new Error('no free port between 20000 and 32000 after 50 tries');
}

export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Runs `vigil <args>` as a real child process, its output appended to `logFile`. */
export async function spawnVigil(args: string[], logFile: string, waitPort?: number, nodeArgs: string[] = []): Promise<ChildProcess> {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [...nodeArgs, 'bin/vigil.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  if (waitPort !== undefined)
    await waitFor(`vigil ${args.join(' ')} listening on ${waitPort} (log: ${logFile})`, () => canConnect(waitPort), 90_000);
  return child;
}

export function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/**
 * A daemon in the foreground whose output is kept for a failure message. `stdin: 'pipe'` for one
 * that reads its input from stdin.
 */
export function spawnDaemon(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; stdin?: 'ignore' | 'pipe' } = {},
): { child: ChildProcess; output: () => string } {
  const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: [opts.stdin ?? 'ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

/** SIGTERM, then SIGKILL if it has not exited after `graceMs`; nothing when it already exited. */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, graceMs))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
