import { Kafka, logLevel, type KafkaConfig as KafkaJsConfig, type LogEntry } from 'kafkajs';
import { kafkaConnectionProblems } from '../config/kafka-rules.js';
import type { KafkaConfig } from '../config/types.js';
import { VigilError } from '../errors/index.js';
import { logger } from '../telemetry/index.js';
import { checkBrokers } from './broker-check.js';
import { toBusError, type BusErrorContext } from './kafka-errors.js';
import { kafkaSaslOptions, kafkaTlsOptions, saslIdentity } from './kafka-security.js';
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
function logCreator(quiet: ReadonlySet<string>, silent: boolean) {
  return () =>
    ({ namespace, level, log: entry }: LogEntry) => {
      if (silent) return;
      const { message, ...rest } = entry;
      const lvl = LEVELS[level] ?? 'info';
      log[lvl === 'info' || quiet.has(namespace) ? 'debug' : lvl](rest, `kafkajs: ${message}`);
    };
}

export interface KafkaClientOptions {
  /** kafkajs log namespaces whose lines are logged at debug. Default none. */
  quietNamespaces?: string[];
  /** Log nothing from kafkajs (probes whose failures are expected). Default false. */
  silent?: boolean;
  /** Milliseconds to wait for a TCP (and TLS) connection. Default 3000. */
  connectionTimeoutMs?: number;
  /** Milliseconds to wait for a response. Default kafkajs's 30000. */
  requestTimeoutMs?: number;
  /** kafkajs's retries of a failed request or connection. Default 8. */
  retries?: number;
  /** Check that the brokers speak the configured transport before the first connect. Default true. */
  checkTransport?: boolean;
}

/** What this module adds to every kafkajs client: a transport check first, then errors that say what to fix. */
interface Connectable {
  connect(): Promise<void>;
}

/**
 * A kafkajs client whose producers, consumers and admins check the transport before their first
 * connect and turn credential, ACL and TLS failures into non-retriable VigilErrors.
 */
class GuardedKafka extends Kafka {
  private checked: Promise<void> | null = null;

  constructor(
    config: KafkaJsConfig,
    private readonly context: BusErrorContext,
    private readonly check: (() => Promise<void>) | null,
  ) {
    super(config);
  }

  override producer(...args: Parameters<Kafka['producer']>): ReturnType<Kafka['producer']> {
    return this.guard(super.producer(...args));
  }

  override consumer(...args: Parameters<Kafka['consumer']>): ReturnType<Kafka['consumer']> {
    return this.guard(super.consumer(...args));
  }

  override admin(...args: Parameters<Kafka['admin']>): ReturnType<Kafka['admin']> {
    return this.guard(super.admin(...args));
  }

  private guard<C extends Connectable>(client: C): C {
    const connect = client.connect.bind(client);
    client.connect = async () => {
      if (this.check) {
        // One successful check per client object; a failed one is tried again on the next connect.
        this.checked ??= this.check().catch((err: unknown) => {
          this.checked = null;
          throw err;
        });
        await this.checked;
      }
      try {
        await connect();
      } catch (err) {
        throw toBusError(err, this.context);
      }
    };
    return client;
  }
}

/**
 * The one factory of kafkajs clients: every producer, consumer and admin Vigil makes comes from
 * here, with the configured TLS and SASL. Throws a config error when `kafka.tls`/`kafka.sasl`
 * contradict each other, and CONFIG_READ when a PEM file cannot be read.
 */
export function createKafka(cfg: KafkaConfig, role: string, opts: KafkaClientOptions = {}): Kafka {
  const [problem] = kafkaConnectionProblems(cfg);
  if (problem) throw new VigilError(problem.code, problem.message, { location: { path: `kafka.${problem.field}` } });
  registerGzipCodec(cfg.gzipLevel);
  const ssl = kafkaTlsOptions(cfg.tls);
  const sasl = kafkaSaslOptions(cfg.sasl);
  const clientId = `${cfg.clientId}-${role}`;
  const connectionTimeout = opts.connectionTimeoutMs ?? 3000;
  return new GuardedKafka(
    {
      clientId,
      brokers: cfg.brokers,
      ...(ssl ? { ssl } : {}),
      ...(sasl ? { sasl } : {}),
      logLevel: opts.silent ? logLevel.NOTHING : logLevel.WARN,
      logCreator: logCreator(new Set(opts.quietNamespaces ?? []), opts.silent ?? false),
      connectionTimeout,
      ...(opts.requestTimeoutMs !== undefined ? { requestTimeout: opts.requestTimeoutMs } : {}),
      retry: { initialRetryTime: 200, retries: opts.retries ?? 8, maxRetryTime: 10_000 },
    },
    { brokers: cfg.brokers, identity: saslIdentity(cfg.sasl) },
    opts.checkTransport === false ? null : () => checkBrokers(cfg.brokers, ssl, clientId, Math.max(connectionTimeout, 5000)),
  );
}
