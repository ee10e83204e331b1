import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { VigilError } from '../../core/errors/index.js';
import { exec } from './exec.js';
import { ensureElasticsearch, ensureServiceUser, javaHome, type ServiceUser } from './install.js';
import { elasticsearchHome, servicePaths } from './paths.js';
import type { ServiceContext, ServiceDef } from './service.js';

export interface ElasticsearchArgsInput {
  port: number;
  transportPort: number;
  dataDir: string;
  logsDir: string;
}

/**
 * `-E` settings for a single loopback node with security off. The disk threshold is off so a
 * nearly full dev disk does not turn indices read-only. Settings of modules this minimal build
 * lacks must not be passed: `-Eingest.geoip.downloader.enabled=false` stops it at boot with
 * "unknown setting" (`xpack.ml.enabled` is accepted, x-pack-core declares it, but there is no ML).
 */
export function elasticsearchArgs(p: ElasticsearchArgsInput): string[] {
  return [
    '-Ecluster.name=vigil',
    '-Enode.name=vigil',
    '-Ediscovery.type=single-node',
    '-Enetwork.host=127.0.0.1',
    `-Ehttp.port=${p.port}`,
    `-Etransport.port=${p.transportPort}`,
    '-Expack.security.enabled=false',
    `-Epath.data=${p.dataDir}`,
    `-Epath.logs=${p.logsDir}`,
    '-Ecluster.routing.allocation.disk.threshold_enabled=false',
  ];
}

/** GET /_cluster/health answers yellow or green. (`GET /` is 405 in this build.) */
export async function elasticsearchAnswers(port: number, timeoutMs = 2000): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/_cluster/health`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return false;
    const body = (await res.json()) as { status?: string };
    return body.status === 'green' || body.status === 'yellow';
  } catch {
    return false;
  }
}

/**
 * The official 8.x client refuses a server whose responses lack `X-Elastic-Product:
 * Elasticsearch`; ask it once, so a mismatch shows up at `vigil up` and not in a sink.
 * (We do not use `info()`/`ping()`: this build answers `GET /` and `HEAD /` with 405.)
 */
export async function verifyElasticsearchClient(port: number): Promise<void> {
  const node = `http://127.0.0.1:${port}`;
  const client = new Client({ node, requestTimeout: 5000, maxRetries: 0 });
  try {
    await client.cluster.health();
  } catch (err) {
    let header = 'unknown';
    try {
      const res = await fetch(`${node}/_cluster/health`);
      header = res.headers.get('x-elastic-product') ?? 'absent';
    } catch {
      // keep 'unknown'
    }
    throw new VigilError(
      'SERVICE_UNAVAILABLE',
      `elasticsearch answers on ${node} but @elastic/elasticsearch refuses it (${(err as Error).name}: ${(err as Error).message}); ` +
        `X-Elastic-Product header: ${header}`,
      { cause: err },
    );
  } finally {
    await client.close();
  }
}

async function chown(user: ServiceUser, recursive: boolean, ...paths: string[]): Promise<void> {
  const res = await exec('chown', [...(recursive ? ['-R'] : []), `${user.uid}:${user.gid}`, ...paths]);
  if (res.code !== 0) throw new VigilError('SERVICE_START', `chown ${user.name} ${paths.join(' ')} failed: ${res.output}`);
}

/** Checks as the service user, so that a state dir under a private folder fails clearly here. */
async function checkAccess(user: ServiceUser, readable: string, writable: string[]): Promise<void> {
  const as = { uid: user.uid, gid: user.gid };
  for (const [flag, path] of [['-r', readable], ...writable.map((w) => ['-w', w])] as Array<[string, string]>) {
    const res = await exec('test', [flag, path], as);
    if (res.code !== 0) {
      throw new VigilError(
        'SERVICE_START',
        `elasticsearch: user ${user.name} cannot ${flag === '-r' ? 'read' : 'write'} ${path}; ` +
          `every folder above the state dir must be searchable by others (chmod o+x), or use a --state-dir outside it`,
      );
    }
  }
}

export function elasticsearchService(ctx: ServiceContext): ServiceDef {
  const paths = servicePaths(ctx.stateDir, 'elasticsearch');
  const home = elasticsearchHome(ctx.stateDir);
  const dirs = {
    data: join(paths.dir, 'data'),
    logs: join(paths.dir, 'logs'),
    config: join(paths.dir, 'config'),
    tmp: join(paths.dir, 'tmp'),
  };
  const { elasticsearch: port, elasticsearchTransport: transportPort } = ctx.ports;
  let user: ServiceUser | undefined;

  return {
    name: 'elasticsearch',
    port,
    binds: [
      { port, role: 'Elasticsearch HTTP' },
      { port: transportPort, role: 'Elasticsearch transport' },
    ],
    paths,
    readyTimeoutMs: ctx.readyTimeoutMs,
    stopTimeoutMs: 30_000,
    commands: ['java', 'mvn', 'unzip'],
    isOurs: (cmdline) => cmdline.includes(home),
    async install() {
      await ensureElasticsearch(ctx.stateDir, ctx.log);
      user = await ensureServiceUser(ctx.log);
    },
    async prepare() {
      user ??= await ensureServiceUser(ctx.log);
      for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
      // our own config dir (ES_PATH_CONF): ES writes its keystore there on first start
      if (!existsSync(join(dirs.config, 'elasticsearch.yml'))) cpSync(join(home, 'config'), dirs.config, { recursive: true });
      if (user) {
        await chown(user, true, dirs.config);
        await chown(user, false, dirs.data, dirs.logs, dirs.tmp);
        await checkAccess(user, join(home, 'lib'), [dirs.data, dirs.logs, dirs.config, dirs.tmp]);
      }
      return {
        command: join(home, 'bin', 'elasticsearch'),
        args: elasticsearchArgs({ port, transportPort, dataDir: dirs.data, logsDir: dirs.logs }),
        env: {
          PATH: process.env.PATH,
          LANG: process.env.LANG ?? 'C.UTF-8',
          HOME: paths.dir,
          ES_JAVA_HOME: javaHome(),
          ES_PATH_CONF: dirs.config,
          ES_JAVA_OPTS: '-Xms512m -Xmx512m',
          ES_TMPDIR: dirs.tmp,
        },
        // jvm.options writes gc.log and hs_err files relative to the working directory
        cwd: dirs.logs,
        logFile: paths.logFile,
        ...(user ? { uid: user.uid, gid: user.gid } : {}),
      };
    },
    probe: () => elasticsearchAnswers(port),
    verify: () => verifyElasticsearchClient(port),
  };
}
