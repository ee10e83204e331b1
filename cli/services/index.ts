import { mkdirSync } from 'node:fs';
import { VigilError } from '../../core/errors/index.js';
import { elasticsearchService } from './elasticsearch.js';
import { ensureCommands } from './install.js';
import { kafkaService } from './kafka.js';
import { ensureRunning, inspect, stopService, type DownResult, type ServiceState, type UpResult } from './lifecycle.js';
import { resolveOptions, type ResolvedOptions, type ServicesOptions } from './options.js';
import type { ServiceName } from './paths.js';
import { redisService } from './redis.js';
import type { ServiceContext, ServiceDef } from './service.js';

export type { DownResult, ServiceState, UpResult } from './lifecycle.js';
export type { ServicePorts, ServicesOptions } from './options.js';
export { parseServicesArgv } from './options.js';
export { SERVICE_NAMES, type ServiceName } from './paths.js';
export { formatStatusTable } from './table.js';

/** The registry of services, keyed by name. */
const FACTORIES: Record<ServiceName, (ctx: ServiceContext) => ServiceDef> = {
  kafka: kafkaService,
  redis: redisService,
  elasticsearch: elasticsearchService,
};

function services(o: ResolvedOptions): ServiceDef[] {
  return o.only.map((name) =>
    FACTORIES[name]({ stateDir: o.stateDir, ports: o.ports, readyTimeoutMs: o.readyTimeoutMs[name], log: o.log }),
  );
}

/** Throws the one failure as it is, or several as one error that lists each. */
function raise(failures: unknown[]): never {
  if (failures.length === 1) throw failures[0];
  const first = failures.find((f): f is VigilError => f instanceof VigilError);
  const text = failures.map((f) => (f instanceof VigilError ? `${f.message} [${f.code}]` : String(f))).join('\n\n');
  throw new VigilError(first?.code ?? 'SERVICE_UNAVAILABLE', `${failures.length} services failed:\n${text}`, {
    cause: new AggregateError(failures),
  });
}

/**
 * Installs what is missing (one step at a time, each logged), then starts the requested
 * services in parallel, detached, and waits until each answers. Reuses our own running
 * instances; refuses ports held by anything else. Throws when any service fails.
 */
export async function up(opts: ServicesOptions = {}): Promise<UpResult[]> {
  const o = resolveOptions(opts);
  mkdirSync(o.stateDir, { recursive: true });
  const defs = services(o);
  await ensureCommands([...new Set(defs.flatMap((d) => d.commands))], o.log);
  // one at a time: concurrent Maven runs can race on the same ~/.m2 files
  for (const def of defs) await def.install();
  const settled = await Promise.allSettled(defs.map((d) => ensureRunning(d, o.log)));
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  if (failures.length > 0) raise(failures);
  return settled.map((s) => (s as PromiseFulfilledResult<UpResult>).value);
}

/** Stops the services our pid files name (SIGTERM, then SIGKILL), removes the pid files, keeps data. */
export async function down(opts: ServicesOptions = {}): Promise<DownResult[]> {
  const o = resolveOptions(opts);
  return Promise.all(services(o).map((d) => stopService(d, o.log)));
}

/** One row per requested service: up, starting, down or foreign. */
export async function status(opts: ServicesOptions = {}): Promise<ServiceState[]> {
  const o = resolveOptions(opts);
  return Promise.all(services(o).map((d) => inspect(d)));
}
