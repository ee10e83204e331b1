import type { Bus } from '../core/bus/index.js';
import type { Publisher } from '../core/bus/types.js';
import type { ComponentConfig, VigilConfig } from '../core/config/index.js';
import type { RunningStage } from '../core/stage.js';
import type { FrameGeoip } from './enrich/geoip/frame.js';
import type { FrameIntel } from './enrich/intel/frame.js';
import { startInput, type InputConfig, type RunningInput } from './inputs/registry.js';

/**
 * The ingest stage: every configured input, publishing to `vigil.events` and `vigil.deadletter`
 * through the bus's acks=all producer. `ports` maps each input id to its bound port. Closing
 * stops accepting and waits for every batch in flight (acknowledged by Kafka) before resolving.
 */
export async function startIngestStage({
  config,
  bus,
  wrapPublisher,
  geoip,
  intel,
}: {
  config: Pick<VigilConfig<InputConfig, ComponentConfig>, 'inputs'>;
  bus: Bus;
  /** What every input publishes through, in front of the producer (GeoIP and threat-intelligence enrichment). */
  wrapPublisher?: (publisher: Publisher, eventsTopic: string) => Publisher;
  /** GeoIP enrichment for the inputs that build events from frames, as they build them (the enrichment publisher then passes those by). */
  geoip?: FrameGeoip | undefined;
  /** Threat-intelligence enrichment for the same inputs, likewise. */
  intel?: FrameIntel | undefined;
}): Promise<RunningStage> {
  const producer = await bus.producer();
  const publisher = wrapPublisher ? wrapPublisher(producer, bus.topics.events) : producer;
  const deps = { publisher, eventsTopic: bus.topics.events, deadletterTopic: bus.topics.deadletter, geoip, intel };
  const running: Array<{ id: string; input: RunningInput }> = [];
  try {
    for (const cfg of config.inputs) running.push({ id: cfg.id, input: await startInput(cfg, deps) });
  } catch (err) {
    await Promise.allSettled(running.map((r) => r.input.close()));
    throw err;
  }
  return {
    name: 'ingest',
    ports: Object.fromEntries(running.map((r) => [r.id, r.input.port])),
    close: async () => {
      await Promise.all(running.map((r) => r.input.close()));
    },
  };
}
