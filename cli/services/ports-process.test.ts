import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeHolders, heldBy, isPortFree, parseProcNetTcp, portHolders } from './ports.js';
import { isAlive, parseProcStat, readPidFile, removePidFile, stopProcess, writePidFile } from './process.js';
import { lastLines, tailFile } from './logs.js';

const onLinux = process.platform === 'linux';

function listen(host = '127.0.0.1'): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, host, () => {
      const addr = server.address();
      resolve({ server, port: typeof addr === 'object' && addr ? addr.port : 0 });
    });
  });
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});

function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-services-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('ports', () => {
  it('reports a port held by a foreign net.Server as busy, and free once it closes', async () => {
    const { server, port } = await listen();
    expect(await isPortFree(port)).toBe(false);
    await new Promise<void>((r) => server.close(() => r()));
    expect(await isPortFree(port)).toBe(true);
  });

  it('counts a wildcard (0.0.0.0) listener as holding the loopback port', async () => {
    const { server, port } = await listen('0.0.0.0');
    cleanups.push(() => server.close());
    expect(await isPortFree(port)).toBe(false);
  });

  it.runIf(onLinux)('names the process holding a port, and tells ours from foreign', async () => {
    const { server, port } = await listen();
    cleanups.push(() => server.close());
    const holders = portHolders(port);
    expect(holders.map((h) => h.pid)).toContain(process.pid);
    expect(heldBy(holders, process.pid)).toBe(true);
    expect(heldBy(holders, 999_999_999)).toBe(false);
    expect(describeHolders(holders)).toContain(`pid ${process.pid}`);
  });

  it('parses LISTEN sockets from /proc/net/tcp and tcp6, skipping other states', () => {
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:2384 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0',
      '   1: 0100007F:ED52 0100007F:2384 01 00000000:00000000 00:00000000 00000000     0        0 4343 1 0000000000000000 20 4 30 10 -1',
      '   2: 0000000000000000FFFF00000100007F:2774 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5151 1 0 100 0 0 10 0',
    ].join('\n');
    expect(parseProcNetTcp(text)).toEqual([
      { port: 9092, inode: 4242 },
      { port: 10100, inode: 5151 },
    ]);
  });
});

describe('pid files and processes', () => {
  it('writes, reads and removes a pid file; junk reads as no pid', () => {
    const file = join(tmp(), 'svc', 'pid');
    expect(readPidFile(file)).toBeUndefined();
    writePidFile(file, 1234);
    expect(readPidFile(file)).toBe(1234);
    writeFileSync(file, 'not a pid\n');
    expect(readPidFile(file)).toBeUndefined();
    removePidFile(file);
    removePidFile(file); // idempotent
    expect(readPidFile(file)).toBeUndefined();
  });

  it('parses /proc/<pid>/stat even when the command name has spaces and parentheses', () => {
    expect(parseProcStat('4711 (java (x) y) S 1 4711 4711 0 -1 4194560 100')).toEqual({ state: 'S', ppid: 1, pgid: 4711 });
    expect(parseProcStat('4712 (redis-server) Z 1 4712 4712 0')).toEqual({ state: 'Z', ppid: 1, pgid: 4712 });
    expect(parseProcStat('garbage')).toBeUndefined();
  });

  it('sees itself alive and a finished child dead', async () => {
    expect(isAlive(process.pid)).toBe(true);
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => child.once('exit', r));
    expect(isAlive(child.pid ?? 0)).toBe(false);
  });

  it('stops a detached process group with SIGTERM', async () => {
    const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    const pid = child.pid ?? 0;
    expect(isAlive(pid)).toBe(true);
    expect(await stopProcess(pid, 5000)).toBe('terminated');
    expect(await stopProcess(pid, 5000)).toBe('not-running');
  });

  it('falls back to SIGKILL for a process that ignores SIGTERM', async () => {
    const child = spawn('sh', ['-c', 'trap "" TERM; while :; do sleep 0.1; done'], { detached: true, stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 200)); // let the trap be installed
    expect(await stopProcess(child.pid ?? 0, 500)).toBe('killed');
    expect(isAlive(child.pid ?? 0)).toBe(false);
  });
});

describe('log tails', () => {
  it('keeps the last lines and ignores a trailing newline', () => {
    expect(lastLines('a\nb\nc\n', 2)).toBe('b\nc');
    const file = join(tmp(), 'x.log');
    writeFileSync(file, Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n') + '\n');
    expect(tailFile(file, 3)).toBe('line 47\nline 48\nline 49');
    expect(tailFile(join(tmp(), 'missing.log'))).toBe('');
  });
});
