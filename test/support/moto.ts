import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './child.js';
import { waitFor } from './wait.js';

/**
 * moto's S3-compatible server (PyPI `moto[server]`), installed by scripts/ensure-moto.sh and run
 * on a free loopback port for one test file. It accepts any credentials and keeps objects in memory.
 */
export interface MotoServer {
  endpoint: string;
  stop(): Promise<void>;
}

const DIR = process.env.VIGIL_MOTO_DIR ?? join(homedir(), '.cache', 'vigil', 'moto');
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Installs moto when missing (idempotent) and starts it; undefined when it cannot be installed here. */
export async function startMoto(): Promise<MotoServer | undefined> {
  const bin = join(DIR, 'bin', 'moto_server');
  if (!existsSync(bin)) spawnSync('bash', [join(ROOT, 'scripts/ensure-moto.sh')], { stdio: 'inherit' });
  if (!existsSync(bin)) return undefined;
  const port = await freePort();
  const child: ChildProcess = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (c: Buffer) => (log = (log + c.toString()).slice(-4000)));
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitFor('moto_server', async () => (await fetch(`${endpoint}/moto-api/`).catch(() => undefined))?.ok, 30_000, 100);
  } catch (err) {
    child.kill();
    throw new Error(`${(err as Error).message}\n${log}`);
  }
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
