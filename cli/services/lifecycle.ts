import { once } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { VigilError } from '../../core/errors/index.js';
import type { Logger } from '../../core/telemetry/index.js';
import { withLogTail } from './logs.js';
import { describeHolders, isPortFree, portHolders } from './ports.js';
import { isAlive, procCmdline, readPidFile, removePidFile, spawnDetached, stopProcess, writePidFile } from './process.js';
import type { ServiceDef } from './service.js';

export type Health = 'up' | 'starting' | 'down' | 'foreign';

/** One row of `vigil status`. */
export interface ServiceState {
  service: string;
  port: number;
  pid: number | undefined;
  health: Health;
  logFile: string;
  note?: string;
}

export interface UpResult {
  service: string;
  port: number;
  pid: number;
  action: 'started' | 'already-running';
  /** Time from our decision to start (or reuse) to ready. */
  ms: number;
  logFile: string;
}

export interface DownResult {
  service: string;
  pid: number | undefined;
  outcome: 'terminated' | 'killed' | 'not-running';
  note?: string;
}

/** The pid from the pid file when that process is alive and is this service. */
export function ourLivePid(def: ServiceDef): number | undefined {
  const pid = readPidFile(def.paths.pidFile);
  return pid !== undefined && isAlive(pid) && def.isOurs(procCmdline(pid)) ? pid : undefined;
}

/** Starts the service unless our own instance already answers; never touches a process we did not start. */
export async function ensureRunning(def: ServiceDef, log: Logger): Promise<UpResult> {
  const started = Date.now();
  const result = (pid: number, action: UpResult['action']): UpResult => ({
    service: def.name,
    port: def.port,
    pid,
    action,
    ms: Date.now() - started,
    logFile: def.paths.logFile,
  });

  const existing = ourLivePid(def);
  if (existing !== undefined) {
    if (await def.probe()) {
      log.info({ service: def.name, pid: existing, port: def.port }, `${def.name}: already running`);
      return result(existing, 'already-running');
    }
    log.info({ service: def.name, pid: existing }, `${def.name}: pid ${existing} is ours but not answering yet; waiting`);
    await waitReady(def, existing, undefined, log);
    return result(existing, 'already-running');
  }
  const stale = readPidFile(def.paths.pidFile);
  if (stale !== undefined) {
    log.info({ service: def.name, pid: stale }, `${def.name}: removing stale pid file (pid ${stale} is not ours any more)`);
    removePidFile(def.paths.pidFile);
  }

  for (const { port, role } of def.binds) {
    if (!(await isPortFree(port))) {
      throw new VigilError(
        'SERVICE_PORT_BUSY',
        `${def.name}: port ${port} (${role}) on 127.0.0.1 is held by ${describeHolders(portHolders(port))}, ` +
          `which Vigil did not start (no live pid in ${def.paths.pidFile}); Vigil leaves it alone: ` +
          `stop it yourself or choose other ports with --config`,
      );
    }
  }

  const spec = await def.prepare();
  log.info({ service: def.name, port: def.port, log: def.paths.logFile }, `${def.name}: starting`);
  const child = spawnDetached(spec);
  if (child.pid === undefined) {
    const [err] = (await once(child, 'error')) as [Error];
    throw new VigilError('SERVICE_START', `${def.name}: cannot launch ${spec.command}: ${err.message}`, { cause: err });
  }
  writePidFile(def.paths.pidFile, child.pid);
  try {
    await waitReady(def, child.pid, child, log);
  } catch (err) {
    if (err instanceof VigilError && err.code === 'SERVICE_EXITED') removePidFile(def.paths.pidFile);
    throw err;
  }
  await def.verify?.();
  const res = result(child.pid, 'started');
  log.info({ service: def.name, pid: child.pid, port: def.port, ms: res.ms }, `${def.name}: ready in ${(res.ms / 1000).toFixed(1)} s`);
  return res;
}

/**
 * Polls the probe until it answers, the deadline passes (SERVICE_TIMEOUT) or the process
 * exits (SERVICE_EXITED, reported at once rather than at the deadline). Both carry the log tail.
 */
export async function waitReady(def: ServiceDef, pid: number, child: ChildProcess | undefined, log: Logger): Promise<void> {
  const deadline = Date.now() + def.readyTimeoutMs;
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = child
    ? new Promise<void>((resolve) =>
        child.once('exit', (code, signal) => {
          exit = { code, signal };
          resolve();
        }),
      )
    : new Promise<void>(() => {});
  let polls = 0;
  for (;;) {
    if (exit || !isAlive(pid)) {
      // The pid can be gone before Node has reaped the child and told its exit code: wait a moment for it.
      if (!exit && child) await Promise.race([exited, sleep(1000)]);
      const how = exit ? (exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`) : 'exited';
      throw new VigilError('SERVICE_EXITED', withLogTail(`${def.name} (pid ${pid}) ${how} before it was ready`, def.paths.logFile));
    }
    if (await def.probe()) return;
    if (Date.now() >= deadline) {
      throw new VigilError(
        'SERVICE_TIMEOUT',
        withLogTail(
          `${def.name} did not answer on 127.0.0.1:${def.port} within ${Math.round(def.readyTimeoutMs / 1000)} s; ` +
            `it is still running as pid ${pid} ('vigil down' stops it); log: ${def.paths.logFile}`,
          def.paths.logFile,
        ),
      );
    }
    if (++polls % 20 === 0) log.info({ service: def.name }, `${def.name}: still waiting for it to answer`);
    await Promise.race([sleep(500), exited]);
  }
}

/**
 * The kernel can release a dead process's listening sockets a moment after the process is
 * gone; waiting for them keeps `down` then `status` or `up` from seeing a port still held.
 */
async function portsReleased(def: ServiceDef, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const { port } of def.binds) {
    while (!(await isPortFree(port)) && Date.now() < deadline) await sleep(50);
  }
}

/** Stops only what our pid file names, and only if its command line is ours; keeps data. */
export async function stopService(def: ServiceDef, log: Logger): Promise<DownResult> {
  const pid = readPidFile(def.paths.pidFile);
  if (pid === undefined) {
    const busy = !(await isPortFree(def.port));
    const note = busy ? `no pid file; port ${def.port} is held by ${describeHolders(portHolders(def.port))}, left alone` : undefined;
    log.info({ service: def.name }, `${def.name}: not running${note ? ` (${note})` : ''}`);
    return { service: def.name, pid: undefined, outcome: 'not-running', note };
  }
  if (!isAlive(pid) || !def.isOurs(procCmdline(pid))) {
    removePidFile(def.paths.pidFile);
    const note = isAlive(pid) ? `pid ${pid} is now another program; left alone` : `pid ${pid} had exited`;
    log.info({ service: def.name, pid }, `${def.name}: not running; removed stale pid file (${note})`);
    return { service: def.name, pid, outcome: 'not-running', note };
  }
  log.info({ service: def.name, pid }, `${def.name}: stopping pid ${pid} (SIGTERM, SIGKILL after ${def.stopTimeoutMs / 1000} s)`);
  const outcome = await stopProcess(pid, def.stopTimeoutMs);
  removePidFile(def.paths.pidFile);
  await portsReleased(def);
  log.info({ service: def.name, pid, outcome }, `${def.name}: ${outcome === 'killed' ? 'killed' : 'stopped'}`);
  return { service: def.name, pid, outcome: outcome === 'not-running' ? 'not-running' : outcome };
}

/** One `vigil status` row: up (ours, answering), starting (ours, not yet), foreign (not ours, port held), down. */
export async function inspect(def: ServiceDef): Promise<ServiceState> {
  const base = { service: def.name, port: def.port, logFile: def.paths.logFile };
  const filePid = readPidFile(def.paths.pidFile);
  const pid = ourLivePid(def);
  const answering = await def.probe();
  if (pid !== undefined) return { ...base, pid, health: answering ? 'up' : 'starting' };
  const stale = filePid !== undefined ? `stale pid file (pid ${filePid})` : undefined;
  const holders = answering || !(await isPortFree(def.port)) ? portHolders(def.port) : undefined;
  if (holders) {
    const note = `port held by ${describeHolders(holders)}`;
    return { ...base, pid: undefined, health: 'foreign', note: stale ? `${stale}; ${note}` : note };
  }
  return { ...base, pid: undefined, health: 'down', note: stale };
}
