import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Reads a pid file; undefined when it is missing or does not hold a positive integer. */
export function readPidFile(file: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function writePidFile(file: string, pid: number): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${pid}\n`);
}

export function removePidFile(file: string): void {
  rmSync(file, { force: true });
}

/** Fields of /proc/<pid>/stat we use. */
export interface ProcStat {
  state: string;
  ppid: number;
  pgid: number;
}

/** Parses /proc/<pid>/stat; the command name may contain spaces and parentheses, so split after the last `)`. */
export function parseProcStat(text: string): ProcStat | undefined {
  const end = text.lastIndexOf(')');
  if (end < 0) return undefined;
  const rest = text.slice(end + 2).split(' ');
  const [state, ppid, pgid] = [rest[0], Number(rest[1]), Number(rest[2])];
  if (!state || !Number.isInteger(ppid) || !Number.isInteger(pgid)) return undefined;
  return { state, ppid, pgid };
}

export function procStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The command line of a process, arguments joined by spaces; '' when it is gone. */
export function procCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/**
 * True when the process exists and is not a zombie. Services outlive `vigil up`, so they are
 * re-parented to pid 1, which in a container may never reap them: a killed service can linger
 * as a zombie that `kill(pid, 0)` still reports as present.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EPERM') return true;
    return false;
  }
  const stat = procStat(pid);
  return stat ? stat.state !== 'Z' && stat.state !== 'X' : true;
}

/** True when some non-zombie process is still in process group `pgid`. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  // the group exists; it may hold only zombies
  for (const pid of listPids()) {
    const stat = procStat(pid);
    if (stat && stat.pgid === pgid && stat.state !== 'Z' && stat.state !== 'X') return true;
  }
  return false;
}

export function listPids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((n) => /^\d+$/.test(n))
      .map(Number);
  } catch {
    return [];
  }
}

/** What to launch for one service. */
export interface SpawnSpec {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Console output (stdout and stderr) is appended here. */
  logFile: string;
  uid?: number;
  gid?: number;
}

/**
 * Starts a service in its own session and process group (`detached`), stdio appended to its
 * log file, and lets `vigil up` exit without waiting for it. The returned child is only used
 * to notice an early exit while we wait for readiness.
 */
export function spawnDetached(spec: SpawnSpec): ChildProcess {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  const fd = openSync(spec.logFile, 'a');
  try {
    writeSync(fd, `\n=== vigil: starting ${spec.command} ${spec.args.join(' ')} at ${new Date().toISOString()} ===\n`);
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['ignore', fd, fd],
      ...(spec.uid === undefined ? {} : { uid: spec.uid }),
      ...(spec.gid === undefined ? {} : { gid: spec.gid }),
    });
    child.unref();
    return child;
  } finally {
    closeSync(fd);
  }
}

export type StopOutcome = 'not-running' | 'terminated' | 'killed';

/**
 * Stops a process we started: SIGTERM to it, wait up to `timeoutMs` for it and, when it leads
 * its own process group (we start every service detached), for the whole group; then SIGKILL
 * to the group. SIGTERM goes to the leader only: Elasticsearch's launcher stops its server JVM
 * itself, and a SIGTERM to both makes the launcher report "exited unexpectedly, code 143".
 */
export async function stopProcess(pid: number, timeoutMs: number): Promise<StopOutcome> {
  if (!isAlive(pid)) return 'not-running';
  const group = procStat(pid)?.pgid === pid;
  const alive = () => (group ? groupAlive(pid) : isAlive(pid));
  const signal = (target: number, sig: NodeJS.Signals) => {
    try {
      process.kill(target, sig);
    } catch {
      // already gone
    }
  };
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) return 'terminated';
    await sleep(200);
  }
  signal(group ? -pid : pid, 'SIGKILL');
  for (let i = 0; i < 25 && alive(); i++) await sleep(200);
  return 'killed';
}
