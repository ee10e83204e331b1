import type { Bus } from '../core/bus/index.js';
import type { Infer } from '../core/config/dsl.js';
import type { ComponentConfig, ElasticsearchConfig, KafkaConfig, VigilConfig } from '../core/config/types.js';
import { VigilError } from '../core/errors/index.js';
import type { RunningStage } from '../core/stage.js';
import { schema as elasticsearchSchema } from './elasticsearch/config.js';
import { startElasticsearchSink } from './elasticsearch/index.js';
import { schema as archiveSchema } from './archive/config.js';
import { startArchiveSink } from './archive/index.js';
import { schema as splunkHecSchema } from './splunk-hec/config.js';
import { openSplunkHecDelivery, startSplunkHecSink } from './splunk-hec/index.js';
import { schema as syslogSchema } from './syslog/config.js';
import { openSyslogDelivery, startSyslogSink } from './syslog/index.js';
import { schema as sentinelSchema } from './sentinel/config.js';
import { openSentinelDelivery, startSentinelSink } from './sentinel/index.js';
import { schema as secopsSchema } from './secops/config.js';
import { openSecopsDelivery, startSecopsSink } from './secops/index.js';
import { schema as kafkaSchema } from './kafka/config.js';
import { openKafkaDelivery, startKafkaSink } from './kafka/index.js';
import { schema as httpSchema } from './http/config.js';
import { openHttpDelivery, startHttpSink } from './http/index.js';
import { schema as opensearchSchema } from './opensearch/config.js';
import { openOpenSearchDelivery, startOpenSearchSink } from './opensearch/index.js';
import type { DeliverFn } from './runner/index.js';

/** What every sink gets besides its own config. */
export interface SinkContext {
  bus: Bus;
  /** The cluster settings of `vigil.yaml` (`elasticsearch:`). */
  elasticsearch: ElasticsearchConfig;
  /** Aborts a start that is still waiting for its service. */
  signal?: AbortSignal;
}

export interface RunningSink {
  close(): Promise<void>;
}

/** The schema of every sink type's config (beside its code), keyed by its YAML `type`. One line per sink. */
export const SINK_SCHEMAS = {
  elasticsearch: elasticsearchSchema,
  'splunk-hec': splunkHecSchema,
  archive: archiveSchema,
  syslog: syslogSchema,
  sentinel: sentinelSchema,
  secops: secopsSchema,
  kafka: kafkaSchema,
  http: httpSchema,
  opensearch: opensearchSchema,
} as const;

/** One sink of `vigil.yaml`, as loaded: the union of every sink type's config. */
export type SinkConfig = Infer<{ kind: 'union'; variants: typeof SINK_SCHEMAS }>;

type SinkStarter<C> = (sink: C, ctx: SinkContext) => Promise<RunningSink>;
type SinkRegistry = { [T in SinkConfig['type']]: SinkStarter<Extract<SinkConfig, { type: T }>> };

/** One line per sink, keyed by the YAML `type`. `satisfies` keeps it in step with `SinkConfig`. */
export const SINKS = {
  elasticsearch: (sink, ctx) => startElasticsearchSink({ sink, es: ctx.elasticsearch, bus: ctx.bus, signal: ctx.signal }),
  'splunk-hec': (sink, ctx) => startSplunkHecSink({ sink, bus: ctx.bus }),
  archive: (sink, ctx) => startArchiveSink({ sink, bus: ctx.bus }),
  syslog: (sink, ctx) => startSyslogSink({ sink, bus: ctx.bus }),
  sentinel: (sink, ctx) => startSentinelSink({ sink, bus: ctx.bus }),
  secops: (sink, ctx) => startSecopsSink({ sink, bus: ctx.bus }),
  kafka: (sink, ctx) => startKafkaSink({ sink, bus: ctx.bus }),
  http: (sink, ctx) => startHttpSink({ sink, bus: ctx.bus }),
  opensearch: (sink, ctx) => startOpenSearchSink({ sink, bus: ctx.bus }),
} satisfies SinkRegistry;

/** A sink's delivery without its consumer loop: what `vigil replay --from-archive` sends through. */
export interface SinkDelivery {
  deliver: DeliverFn;
  close(): void | Promise<void>;
}
/** `kafka`: Vigil's own cluster (the kafka sink's target when it names no `brokers`). */
type DeliveryOpener<C> = (sink: C, ctx: { kafka: KafkaConfig }) => Promise<SinkDelivery>;
type DeliveryRegistry = { [T in SinkConfig['type']]?: DeliveryOpener<Extract<SinkConfig, { type: T }>> };

/** Sinks that history can be replayed into, one line each. */
export const SINK_DELIVERIES = {
  sentinel: (sink) => openSentinelDelivery(sink),
  secops: (sink) => openSecopsDelivery(sink),
  http: (sink) => openHttpDelivery(sink),
  opensearch: (sink) => openOpenSearchDelivery(sink),
  'splunk-hec': (sink) => openSplunkHecDelivery(sink),
  syslog: (sink) => openSyslogDelivery(sink),
  kafka: (sink, ctx) => openKafkaDelivery(sink, ctx.kafka),
} satisfies DeliveryRegistry;

export type SinkType = keyof typeof SINKS;

/** Starts the sink its `type` names. */
export function startSink(sink: SinkConfig, ctx: SinkContext): Promise<RunningSink> {
  const start = (SINKS as Record<string, SinkStarter<SinkConfig> | undefined>)[sink.type];
  if (!start) {
    return Promise.reject(
      new VigilError('CONFIG_ENUM', `unknown sink type "${String(sink.type)}"; known: ${Object.keys(SINKS).join(', ')}`, {
        location: { path: `sinks[${String(sink.id)}].type` },
      }),
    );
  }
  return start(sink, ctx);
}

/**
 * Starts every configured sink (the `sink` stage of `vigil run`). One that fails to start
 * stops those already started, so a half-started stage is never left behind.
 */
export async function startSinks(opts: {
  config: Pick<VigilConfig<ComponentConfig, SinkConfig>, 'sinks' | 'elasticsearch'>;
  bus: Bus;
  signal?: AbortSignal;
}): Promise<RunningStage[]> {
  const ctx: SinkContext = { bus: opts.bus, elasticsearch: opts.config.elasticsearch, signal: opts.signal };
  const started: RunningStage[] = [];
  try {
    for (const sink of opts.config.sinks) {
      const running = await startSink(sink, ctx);
      started.push({ name: `sink:${sink.id}`, close: () => running.close() });
    }
  } catch (err) {
    await Promise.allSettled(started.map((s) => s.close()));
    throw err;
  }
  return started;
}
