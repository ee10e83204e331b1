import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { KafkaConfig } from '../config/types.js';
import { logger } from '../telemetry/index.js';

const log = logger('kafka');

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** kafkajs logs through pino; its chatty info lines are kept at debug. */
function logCreator() {
  return ({ level, log: entry }: LogEntry) => {
    const { message, ...rest } = entry;
    const lvl = LEVELS[level] ?? 'info';
    log[lvl === 'info' ? 'debug' : lvl](rest, `kafkajs: ${message}`);
  };
}

export function createKafka(cfg: KafkaConfig, role: string): Kafka {
  return new Kafka({
    clientId: `${cfg.clientId}-${role}`,
    brokers: cfg.brokers,
    logLevel: logLevel.WARN,
    logCreator,
    connectionTimeout: 3000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 10_000 },
  });
}
