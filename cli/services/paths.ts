import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The services `vigil up` manages, in the order they are listed and reported. */
export const SERVICE_NAMES = ['kafka', 'redis', 'elasticsearch'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Versions we install; a change here re-installs into a new cache folder. */
export const KAFKA_VERSION = '3.9.1';
export const ELASTICSEARCH_VERSION = '8.19.7';

/** The state dir: `--state-dir`, else `$VIGIL_STATE_DIR`, else `.vigil` in the working directory. */
export function resolveStateDir(flag?: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return resolve(cwd, flag ?? env.VIGIL_STATE_DIR ?? '.vigil');
}

/** Where one service keeps its pid file, its console log and its data, under the state dir. */
export interface ServicePaths {
  dir: string;
  pidFile: string;
  logFile: string;
}

export function servicePaths(stateDir: string, service: ServiceName): ServicePaths {
  const dir = join(stateDir, service);
  return { dir, pidFile: join(dir, 'pid'), logFile: join(dir, `${service}.log`) };
}

/** Downloaded and unpacked software; safe to delete (it is re-copied from ~/.m2). */
export function cacheDir(stateDir: string): string {
  return join(stateDir, 'cache');
}

export function kafkaHome(stateDir: string): string {
  return join(cacheDir(stateDir), `kafka-${KAFKA_VERSION}`);
}

export function elasticsearchHome(stateDir: string): string {
  return join(cacheDir(stateDir), `elasticsearch-${ELASTICSEARCH_VERSION}`);
}

/**
 * The repository root, found by walking up from this module to the folder holding
 * `scripts/services/kafka-pom.xml`, so it works from source (tsx) and from a build output.
 */
export function repoRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'scripts', 'services', 'kafka-pom.xml'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`scripts/services/kafka-pom.xml not found above ${from}`);
    dir = up;
  }
}
