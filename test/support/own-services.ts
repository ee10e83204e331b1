/**
 * Private instances of Kafka, Redis and Elasticsearch for tests that stop, restart or slow the
 * service itself. The machine's shared services (`vigil up`) serve every other test running at
 * the same time, so a fault is never injected into them: each instance here is installed and
 * launched by the same code as `vigil up` (cli/services), with its own state dir under the OS
 * temp dir and its own free loopback ports. The downloaded software is shared through a link to
 * the main state dir's cache, so nothing is fetched or copied twice. Heaps are bounded by the
 * service definitions (Kafka and Elasticsearch run with -Xms512m -Xmx512m).
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { elasticsearchService } from '../../cli/services/elasticsearch.js';
import { kafkaService } from '../../cli/services/kafka.js';
import { ensureRunning, stopService } from '../../cli/services/lifecycle.js';
import type { ServicePorts } from '../../cli/services/options.js';
import { cacheDir, resolveStateDir, repoRoot, type ServiceName } from '../../cli/services/paths.js';
import { isAlive, readPidFile } from '../../cli/services/process.js';
import { redisService } from '../../cli/services/redis.js';
import type { ServiceDef } from '../../cli/services/service.js';
import { logger } from '../../core/telemetry/index.js';
import { freePort } from './child.js';

export interface OwnService {
  name: ServiceName;
  /** The client address: `127.0.0.1:<port>` for Kafka, a URL for Redis and Elasticsearch. */
  address: string;
  port: number;
  logFile: string;
  /** Starts it (again, on the same data) and waits until it answers; returns the ms that took. */
  start(): Promise<number>;
  /** SIGTERM, SIGKILL after the service's own stop timeout; data is kept for `start`. */
  stop(): Promise<void>;
  /** True while its process is alive. */
  running(): boolean;
}

export interface OwnServices {
  dir: string;
  kafka?: OwnService;
  redis?: OwnService;
  elasticsearch?: OwnService;
  /** Stops every instance and deletes the state dir. */
  close(): Promise<void>;
}

const FACTORIES = { kafka: kafkaService, redis: redisService, elasticsearch: elasticsearchService } as const;
const READY_MS: Record<ServiceName, number> = { kafka: 120_000, redis: 20_000, elasticsearch: 240_000 };

/** Starts the named services as private instances (in parallel) and waits until each answers. */
export async function startOwnServices(names: ServiceName[]): Promise<OwnServices> {
  const log = logger('own-services');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-own-services-'));
  // Elasticsearch runs as its own system user when we are root: it must reach the folder.
  chmodSync(dir, 0o755);
  symlinkSync(cacheDir(resolveStateDir(undefined, process.env, repoRoot())), cacheDir(dir));
  const ports: ServicePorts = {
    kafka: await freePort(),
    kafkaController: await freePort(),
    redis: await freePort(),
    elasticsearch: await freePort(),
    elasticsearchTransport: await freePort(),
  };
  const made: OwnService[] = [];
  for (const name of names) {
    const base = FACTORIES[name]({ stateDir: dir, ports, readyTimeoutMs: READY_MS[name], log });
    // Ours is what runs from this state dir (Redis: on this port), never the shared instances,
    // which run the same programs from the main state dir.
    const def: ServiceDef = { ...base, isOurs: name === 'redis' ? base.isOurs : (cmdline) => cmdline.includes(dir) };
    mkdirSync(def.paths.dir, { recursive: true });
    made.push({
      name,
      address: name === 'kafka' ? `127.0.0.1:${def.port}` : `${name === 'redis' ? 'redis' : 'http'}://127.0.0.1:${def.port}`,
      port: def.port,
      logFile: def.paths.logFile,
      async start() {
        const t = Date.now();
        await ensureRunning(def, log);
        return Date.now() - t;
      },
      async stop() {
        await stopService(def, log);
      },
      running() {
        const pid = readPidFile(def.paths.pidFile);
        return pid !== undefined && isAlive(pid);
      },
    });
  }
  const out: OwnServices = {
    dir,
    async close() {
      await Promise.allSettled(made.map((s) => s.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  for (const s of made) out[s.name] = s;
  try {
    await Promise.all(made.map((s) => s.start()));
  } catch (err) {
    await out.close();
    throw err;
  }
  return out;
}
