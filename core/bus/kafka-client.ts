import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { KafkaConfig } from '../config/types.js';
import { logger } from '../telemetry/index.js';
import { registerGzipCodec } from './gzip-codec.js';

const log = logger('kafka');

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * kafkajs logs through pino; its chatty info lines are kept at debug. Lines from `quiet`
 * namespaces (kafkajs's `Connection`, `Producer`, …) are kept at debug whatever their level: for
 * clients whose caller retries and logs the failures that reach it (the transactional producers,
 * whose every transaction start may meet a retried CONCURRENT_TRANSACTIONS response).
 */
function logCreator(quiet: ReadonlySet<string>) {
  return () =>
    ({ namespace, level, log: entry }: LogEntry) => {
      const { message, ...rest } = entry;
      const lvl = LEVELS[level] ?? 'info';
      log[lvl === 'info' || quiet.has(namespace) ? 'debug' : lvl](rest, `kafkajs: ${message}`);
    };
}

export interface KafkaClientOptions {
  /** kafkajs log namespaces whose lines are logged at debug. Default none. */
  quietNamespaces?: string[];
}

export function createKafka(cfg: KafkaConfig, role: string, opts: KafkaClientOptions = {}): Kafka {
  registerGzipCodec(cfg.gzipLevel);
  return new Kafka({
    clientId: `${cfg.clientId}-${role}`,
    brokers: cfg.brokers,
    logLevel: logLevel.WARN,
    logCreator: logCreator(new Set(opts.quietNamespaces ?? [])),
    connectionTimeout: 3000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 10_000 },
  });
}
