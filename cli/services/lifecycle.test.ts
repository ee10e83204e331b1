import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { isVigilError, type VigilError } from '../../core/errors/index.js';
import { ensureRunning, inspect, stopService } from './lifecycle.js';
import { readPidFile } from './process.js';
import type { ServiceDef } from './service.js';

/**
 * The lifecycle with a stand-in service (a node one-liner that listens on a port), so pid
 * files, reuse, foreign ports, early exit and timeouts are tested without Kafka or Java.
 */
const log = pino({ level: 'silent' });

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

/** A fake service; `script` is the node program it runs (it gets the port as argv[1]). */
function fakeService(script: string, port: number, readyTimeoutMs = 10_000): ServiceDef {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-lifecycle-'));
  const file = join(dir, 'fake-service.cjs');
  writeFileSync(file, script);
  const def: ServiceDef = {
    name: 'redis',
    port,
    binds: [{ port, role: 'fake' }],
    paths: { dir, pidFile: join(dir, 'pid'), logFile: join(dir, 'fake.log') },
    readyTimeoutMs,
    stopTimeoutMs: 5000,
    commands: [],
    isOurs: (cmdline) => cmdline.includes(file),
    install: async () => {},
    prepare: async () => ({
      command: process.execPath,
      args: [file, String(port)],
      env: process.env,
      cwd: dir,
      logFile: def.paths.logFile,
    }),
    probe: () => answers(port),
  };
  cleanups.push(async () => {
    await stopService(def, log);
    rmSync(dir, { recursive: true, force: true });
  });
  return def;
}

const LISTENER = `require('node:net').createServer().listen(Number(process.argv[2]), '127.0.0.1'); console.log('listening');`;

async function rejection(p: Promise<unknown>): Promise<VigilError> {
  try {
    await p;
  } catch (err) {
    if (isVigilError(err)) return err;
    throw err;
  }
  throw new Error('expected a VigilError');
}

describe('service lifecycle', () => {
  it('starts, reuses, reports and stops a service through its pid file', async () => {
    const def = fakeService(LISTENER, await freePort());
    const first = await ensureRunning(def, log);
    expect(first.action).toBe('started');
    expect(readPidFile(def.paths.pidFile)).toBe(first.pid);

    const again = await ensureRunning(def, log);
    expect(again).toMatchObject({ action: 'already-running', pid: first.pid });
    expect(await inspect(def)).toMatchObject({ health: 'up', pid: first.pid });

    expect(await stopService(def, log)).toMatchObject({ outcome: 'terminated', pid: first.pid });
    expect(readPidFile(def.paths.pidFile)).toBeUndefined();
    expect(await inspect(def)).toMatchObject({ health: 'down', pid: undefined });
  });

  it('refuses a port held by a process it did not start, names the port, and leaves it running', async () => {
    const port = await freePort();
    const foreign: Server = await new Promise((r) => {
      const s = createServer().listen(port, '127.0.0.1', () => r(s));
    });
    cleanups.push(() => new Promise((r) => foreign.close(() => r())));
    const def = fakeService(LISTENER, port);

    const err = await rejection(ensureRunning(def, log));
    expect(err.code).toBe('SERVICE_PORT_BUSY');
    expect(err.message).toContain(`port ${port}`);
    expect(err.message).toContain(`pid ${process.pid}`);
    expect(readPidFile(def.paths.pidFile)).toBeUndefined();

    expect(await inspect(def)).toMatchObject({ health: 'foreign' });
    expect(await stopService(def, log)).toMatchObject({ outcome: 'not-running' });
    expect(foreign.listening).toBe(true);
  });

  it('replaces a stale pid file instead of trusting it', async () => {
    const def = fakeService(LISTENER, await freePort());
    writeFileSync(def.paths.pidFile, `${process.pid}\n`); // alive, but not this service
    const res = await ensureRunning(def, log);
    expect(res.action).toBe('started');
    expect(res.pid).not.toBe(process.pid);
  });

  it('reports an early exit at once, with the log tail', async () => {
    const def = fakeService(`console.error('bad config: no such thing'); process.exit(3);`, await freePort(), 60_000);
    const started = Date.now();
    const err = await rejection(ensureRunning(def, log));
    expect(err.code).toBe('SERVICE_EXITED');
    expect(err.message).toContain('exited with code 3');
    expect(err.message).toContain('bad config: no such thing');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(readPidFile(def.paths.pidFile)).toBeUndefined();
  });

  it('times out naming the service and its log, and leaves the process to `down`', async () => {
    const def = fakeService(`console.log('warming up forever'); setInterval(() => {}, 1000);`, await freePort(), 1000);
    const err = await rejection(ensureRunning(def, log));
    expect(err.code).toBe('SERVICE_TIMEOUT');
    expect(err.message).toContain(def.paths.logFile);
    expect(err.message).toContain('warming up forever');
    expect(await inspect(def)).toMatchObject({ health: 'starting' });
  });
});
