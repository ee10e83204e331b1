import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { listPids, procCmdline, procStat } from './process.js';

/**
 * True when we could bind `host:port` now. A listen probe rather than a connect probe: it also
 * catches a socket bound to 0.0.0.0 or to `::ffff:127.0.0.1` (what Java binds), both of which
 * conflict with our bind on 127.0.0.1.
 */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** One LISTEN socket from /proc/net/tcp or tcp6. */
export interface ListenSocket {
  port: number;
  inode: number;
}

const TCP_LISTEN = '0A';

/** Parses /proc/net/tcp{,6}: local address `HEXIP:HEXPORT`, state `0A` is LISTEN, inode column 10. */
export function parseProcNetTcp(text: string): ListenSocket[] {
  const out: ListenSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 10 || cols[3] !== TCP_LISTEN) continue;
    const local = cols[1] ?? '';
    const port = parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
    const inode = Number(cols[9]);
    if (Number.isInteger(port) && inode > 0) out.push({ port, inode });
  }
  return out;
}

/** A process holding a listening socket on a port. */
export interface PortHolder {
  pid: number;
  pgid: number | undefined;
  command: string;
}

/**
 * Who listens on `port` (any address), by matching socket inodes of /proc/net/tcp{,6} against
 * /proc/<pid>/fd. Needs root, or the same user, to see other processes' fds; returns [] when
 * it cannot tell (the listen probe still reports the port busy).
 */
export function portHolders(port: number): PortHolder[] {
  const inodes = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const s of parseProcNetTcp(readFileSync(file, 'utf8'))) if (s.port === port) inodes.add(s.inode);
    } catch {
      // no IPv6, or no /proc
    }
  }
  if (inodes.size === 0) return [];
  const holders: PortHolder[] = [];
  for (const pid of listPids()) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    const holds = fds.some((fd) => {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        return m !== null && inodes.has(Number(m[1]));
      } catch {
        return false;
      }
    });
    if (holds) holders.push({ pid, pgid: procStat(pid)?.pgid, command: procCmdline(pid).slice(0, 160) });
  }
  return holders;
}

/** True when one of the holders is `pid` or in the process group `pid` leads (a service we started detached). */
export function heldBy(holders: PortHolder[], pid: number): boolean {
  return holders.some((h) => h.pid === pid || h.pgid === pid);
}

export function describeHolders(holders: PortHolder[]): string {
  if (holders.length === 0) return 'an unknown process';
  return holders.map((h) => `pid ${h.pid} (${h.command || '?'})`).join(', ');
}
