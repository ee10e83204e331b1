/**
 * A private OpenSearch node for one test file: the Maven integ-test distribution installed by
 * scripts/ensure-opensearch.sh into the services' cache, run from a temp dir of its own (config,
 * data, logs) on free loopback ports, as the `vigil-es` system user when we are root (it refuses
 * to run as root), with a 512 MB heap. Bound to 127.0.0.1, so the production bootstrap checks
 * (vm.max_map_count) do not apply. `stop` kills it and deletes the dir.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureServiceUser, javaHome } from '../../cli/services/install.js';
import { cacheDir, repoRoot, resolveStateDir } from '../../cli/services/paths.js';
import { logger } from '../../core/telemetry/index.js';
import { freePort } from './child.js';
import { waitFor } from './wait.js';

export const OPENSEARCH_VERSION = process.env.VIGIL_OPENSEARCH_VERSION ?? '2.19.6';

export interface OpenSearchNode {
  url: string;
  /** ms from spawn to a yellow cluster. */
  startMs: number;
  stop(): Promise<void>;
}

export type OpenSearchStart = { ok: true; node: OpenSearchNode } | { ok: false; reason: string };

function home(): string {
  const root = repoRoot();
  return join(cacheDir(resolveStateDir(undefined, process.env, root)), `opensearch-${OPENSEARCH_VERSION}`);
}

/** Installs OpenSearch when missing (idempotent) and starts a node; says why when it cannot run here. */
export async function startOpenSearch(): Promise<OpenSearchStart> {
  const dirHome = home();
  const bin = join(dirHome, 'bin', 'opensearch');
  if (!existsSync(bin)) spawnSync('bash', [join(repoRoot(), 'scripts/ensure-opensearch.sh')], { stdio: 'inherit' });
  if (!existsSync(bin))
    return { ok: false, reason: `OpenSearch is not installed at ${dirHome} (scripts/ensure-opensearch.sh needs java, mvn, unzip)` };
  const user = await ensureServiceUser(logger('opensearch-test'));
  const dir = mkdtempSync(join(tmpdir(), 'vigil-opensearch-'));
  chmodSync(dir, 0o755);
  const dirs = { config: join(dir, 'config'), data: join(dir, 'data'), logs: join(dir, 'logs'), tmp: join(dir, 'tmp') };
  cpSync(join(dirHome, 'config'), dirs.config, { recursive: true });
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  // jvm.options names gc.log, heap dumps and hs_err files relative to the install, which the node's user may not write.
  const jvmOptions = join(dirs.config, 'jvm.options');
  writeFileSync(
    jvmOptions,
    readFileSync(jvmOptions, 'utf8')
      .replace(/=logs\//g, `=${dirs.logs}/`)
      .replace(/file=logs\//g, `file=${dirs.logs}/`)
      .replace(/HeapDumpPath=data/g, `HeapDumpPath=${dirs.data}`),
  );
  if (user) spawnSync('chown', ['-R', `${user.uid}:${user.gid}`, dir]);
  const [http, transport] = [await freePort(), await freePort()];
  const started = Date.now();
  const child: ChildProcess = spawn(
    bin,
    [
      '-Ecluster.name=vigil-test',
      '-Ediscovery.type=single-node',
      '-Enetwork.host=127.0.0.1',
      `-Ehttp.port=${http}`,
      `-Etransport.port=${transport}`,
      `-Epath.data=${dirs.data}`,
      `-Epath.logs=${dirs.logs}`,
      // A test node: no disk watermarks on a shared, often nearly full, disk.
      '-Ecluster.routing.allocation.disk.threshold_enabled=false',
    ],
    {
      cwd: dirs.logs,
      env: {
        PATH: process.env.PATH,
        LANG: 'C.UTF-8',
        HOME: dir,
        OPENSEARCH_JAVA_HOME: javaHome(),
        OPENSEARCH_PATH_CONF: dirs.config,
        OPENSEARCH_TMPDIR: dirs.tmp,
        OPENSEARCH_JAVA_OPTS: '-Xms512m -Xmx512m',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    },
  );
  let out = '';
  const keep = (c: Buffer) => (out = (out + c.toString()).slice(-8000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${http}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([
      waitFor(
        'OpenSearch yellow',
        async () => (await fetch(`${url}/_cluster/health?wait_for_status=yellow&timeout=1s`).catch(() => undefined))?.ok,
        180_000,
        250,
      ),
      exited.then(() => {
        throw new Error(`OpenSearch exited at start (code ${child.exitCode}, signal ${child.signalCode})`);
      }),
    ]);
  } catch (err) {
    const log = join(dirs.logs, 'vigil-test.log');
    const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-4000) : out;
    await stop();
    return { ok: false, reason: `${(err as Error).message}\n${tail}` };
  }
  return { ok: true, node: { url, startMs: Date.now() - started, stop } };
}
