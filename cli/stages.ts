import { Bus } from '../core/bus/index.js';
import type { VigilConfig } from './config/schema.js';
import type { Publisher } from '../core/bus/types.js';
import type { RunningStage } from '../core/stage.js';
import { logger } from '../core/telemetry/index.js';
import { startDetectStage } from '../detections/index.js';
import { startIncidentStage } from '../detections/incidents/stage.js';
import { startGeoip } from '../ingest/enrich/geoip/index.js';
import { enrichmentPublisher } from '../ingest/enrich/publisher.js';
import { startIngestStage } from '../ingest/index.js';
import { startIntelWiring } from './intel.js';
import { startRespondStage } from '../playbooks/index.js';
import { esClient } from '../sinks/elasticsearch/index.js';
import { startSinks } from '../sinks/index.js';
import { startStatusPollers } from './status-pollers.js';

export const STAGES = ['ingest', 'detect', 'respond', 'sink'] as const;
export type StageName = (typeof STAGES)[number];

export interface RunningStages {
  bus: Bus;
  stages: RunningStage[];
  /** Ports of the inputs, by input id. */
  ports: Record<string, number>;
  close(): Promise<void>;
}

const log = logger('pipeline');

/**
 * Starts the given stages in one process. Downstream stages start first so that, by the time
 * inputs accept data, everything that consumes it is already in its consumer group.
 * Closing goes the other way: inputs stop accepting and flush, then consumers drain and commit.
 */
export async function startStages(config: VigilConfig, only: readonly StageName[] = STAGES): Promise<RunningStages> {
  const bus = new Bus(config.kafka);
  await bus.provision();
  const stages: RunningStage[] = [];
  const want = (s: StageName) => only.includes(s);
  try {
    // Before detect and ingest: rules and enrichment read the lists from their first event.
    const intel = want('detect') || want('ingest') ? await startIntelWiring(config) : undefined;
    if (intel) stages.push({ name: 'intel', close: () => intel.close() });
    if (want('sink')) {
      stages.push(...(await startSinks({ config, bus })));
      stages.push(...(await startStatusPollers({ config, bus })));
    }
    if (want('respond')) stages.push(await startRespondStage({ config, bus, elasticsearch: esClient(config.elasticsearch) }));
    if (want('detect')) {
      stages.push(...(await startIncidentStage({ config, bus })));
      stages.push(...(await startDetectStage({ config, bus })));
    }
    if (want('ingest')) {
      // Opened before any input listens: a missing or corrupt database stops the start.
      const geoip = startGeoip(config.enrich.geoip);
      // In the frame path's order: every event gets its fields in the same order whichever input made it.
      const steps = [geoip?.step, intel?.step].filter((s) => s !== undefined);
      const wrapPublisher = (p: Publisher, events: string) => enrichmentPublisher(p, events, steps);
      stages.push(
        await startIngestStage({ config, bus, geoip: geoip?.frames, intel: intel?.frames, ...(steps.length > 0 && { wrapPublisher }) }),
      );
    }
  } catch (err) {
    await Promise.allSettled(stages.map((s) => s.close()));
    await bus.close();
    throw err;
  }
  const ports = Object.assign({}, ...stages.map((s) => s.ports ?? {})) as Record<string, number>;
  log.info({ stages: stages.map((s) => s.name), ports }, 'pipeline running');
  let closing: Promise<void> | null = null;
  return {
    bus,
    stages,
    ports,
    close() {
      closing ??= (async () => {
        for (const s of [...stages].reverse()) {
          await s.close().catch((err: unknown) => log.error({ stage: s.name, err: String(err) }, 'stage failed to close'));
        }
        await bus.close();
        log.info('pipeline stopped');
      })();
      return closing;
    },
  };
}
