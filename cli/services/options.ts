import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseYaml } from '../../core/yaml/index.js';
import { VigilError } from '../../core/errors/index.js';
import { logger, type Logger } from '../../core/telemetry/index.js';
import { resolveStateDir, SERVICE_NAMES, type ServiceName } from './paths.js';

/** Ports the local services listen on, all on 127.0.0.1. */
export interface ServicePorts {
  /** Kafka PLAINTEXT listener. Default 9092 (or `kafka.brokers[0]` of `--config`). */
  kafka: number;
  /** Kafka KRaft CONTROLLER listener. Default Kafka's port + 1000. */
  kafkaController: number;
  /** Default 6379 (or the port of `redis.url`). */
  redis: number;
  /** Elasticsearch HTTP. Default 9200 (or the port of `elasticsearch.node`). */
  elasticsearch: number;
  /** Elasticsearch transport (node-to-node). Default the HTTP port + 100. */
  elasticsearchTransport: number;
}

/** Options of `up`, `down` and `status`, programmatic form. */
export interface ServicesOptions {
  /** Default `$VIGIL_STATE_DIR`, else `.vigil` in the working directory. */
  stateDir?: string;
  /** A `vigil.yaml` whose kafka/redis/elasticsearch addresses give the ports. */
  configFile?: string;
  /** Which services; default all three. */
  only?: ServiceName[];
  /** Explicit ports; they win over `configFile`. */
  ports?: Partial<ServicePorts>;
  /** Readiness timeouts in ms. Defaults: Kafka 90 s, Redis 15 s, Elasticsearch 180 s. */
  readyTimeoutMs?: Partial<Record<ServiceName, number>>;
  /** Where progress lines go. Default the `services` pino logger. */
  log?: Logger;
}

export interface ResolvedOptions {
  stateDir: string;
  only: ServiceName[];
  ports: ServicePorts;
  readyTimeoutMs: Record<ServiceName, number>;
  log: Logger;
}

export const DEFAULT_READY_TIMEOUT_MS: Record<ServiceName, number> = {
  kafka: 90_000,
  redis: 15_000,
  elasticsearch: 180_000,
};

export function parseOnly(value: string | undefined): ServiceName[] {
  if (value === undefined || value.trim() === '') return [...SERVICE_NAMES];
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = names.filter((n) => !(SERVICE_NAMES as readonly string[]).includes(n));
  if (bad.length > 0) {
    throw new VigilError('CLI_USAGE', `--only takes ${SERVICE_NAMES.join(',')}; unknown: ${bad.join(',')}`);
  }
  // keep the canonical order and drop duplicates
  return SERVICE_NAMES.filter((n) => names.includes(n));
}

function portOf(value: unknown, field: string, file: string): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  // brokers are `host:port`; redis.url and elasticsearch.node are URLs
  const url = value.includes('://') ? value : `tcp://${value}`;
  let port: string;
  try {
    port = new URL(url).port;
  } catch (err) {
    throw new VigilError('CONFIG_TYPE', `${field} is not an address: ${value}`, { cause: err, location: { file, path: field } });
  }
  return port === '' ? undefined : Number(port);
}

/** Reads only the three addresses `vigil up` needs; the full loader validates the rest. */
export function portsFromConfig(file: string): Partial<ServicePorts> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new VigilError('CONFIG_READ', `cannot read ${file}`, { cause: err, location: { file } });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new VigilError('CONFIG_YAML', `${file} is not valid YAML`, { cause: err, location: { file } });
  }
  const root = (doc ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const brokers = root.kafka?.brokers;
  const ports: Partial<ServicePorts> = {
    kafka: portOf(Array.isArray(brokers) ? brokers[0] : undefined, 'kafka.brokers[0]', file),
    redis: portOf(root.redis?.url, 'redis.url', file),
    elasticsearch: portOf(root.elasticsearch?.node, 'elasticsearch.node', file),
  };
  return Object.fromEntries(Object.entries(ports).filter(([, v]) => v !== undefined));
}

export function resolvePorts(explicit: Partial<ServicePorts> = {}, fromConfig: Partial<ServicePorts> = {}): ServicePorts {
  const kafka = explicit.kafka ?? fromConfig.kafka ?? 9092;
  const elasticsearch = explicit.elasticsearch ?? fromConfig.elasticsearch ?? 9200;
  const ports: ServicePorts = {
    kafka,
    kafkaController: explicit.kafkaController ?? kafka + 1000,
    redis: explicit.redis ?? fromConfig.redis ?? 6379,
    elasticsearch,
    elasticsearchTransport: explicit.elasticsearchTransport ?? elasticsearch + 100,
  };
  for (const [name, port] of Object.entries(ports)) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new VigilError('CONFIG_RANGE', `port ${name}=${port} is outside 1..65535`);
    }
  }
  const seen = new Map<number, string>();
  for (const [name, port] of Object.entries(ports)) {
    const other = seen.get(port);
    if (other) throw new VigilError('CONFIG_RANGE', `ports ${other} and ${name} are both ${port}`);
    seen.set(port, name);
  }
  return ports;
}

export function resolveOptions(opts: ServicesOptions = {}): ResolvedOptions {
  const fromConfig = opts.configFile ? portsFromConfig(opts.configFile) : {};
  return {
    stateDir: resolveStateDir(opts.stateDir),
    only: opts.only && opts.only.length > 0 ? SERVICE_NAMES.filter((n) => opts.only?.includes(n)) : [...SERVICE_NAMES],
    ports: resolvePorts(opts.ports, fromConfig),
    readyTimeoutMs: { ...DEFAULT_READY_TIMEOUT_MS, ...opts.readyTimeoutMs },
    log: opts.log ?? logger('services'),
  };
}

/** `--state-dir <dir> --config <file> --only kafka,redis,elasticsearch`, shared by up/down/status. */
export function parseServicesArgv(argv: string[]): ServicesOptions {
  let values: { 'state-dir'?: string; config?: string; only?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { 'state-dir': { type: 'string' }, config: { type: 'string' }, only: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new VigilError('CLI_USAGE', (err as Error).message, { cause: err });
  }
  return { stateDir: values['state-dir'], configFile: values.config, only: parseOnly(values.only) };
}
