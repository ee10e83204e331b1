import { Counter, Gauge, Histogram } from 'prom-client';
import { registry } from '../telemetry/index.js';

/** Metrics of the stateful runtime, labelled by processor (or repartitioner) name. */
export const stateMetrics = {
  restoredKeys: new Counter({
    name: 'vigil_state_restored_keys_total',
    help: 'Keys loaded into state stores from changelogs',
    labelNames: ['processor'] as const,
    registers: [registry],
  }),
  restoreSeconds: new Histogram({
    name: 'vigil_state_restore_seconds',
    help: 'Time to restore one partition of a state store from its changelog',
    labelNames: ['processor'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  }),
  keys: new Gauge({
    name: 'vigil_state_keys',
    help: 'Keys held in a state store, per partition',
    labelNames: ['processor', 'partition'] as const,
    registers: [registry],
  }),
  processed: new Counter({
    name: 'vigil_state_records_processed_total',
    help: 'Input records whose batch committed (outputs, state changes and offset in one transaction)',
    labelNames: ['processor'] as const,
    registers: [registry],
  }),
  skipped: new Counter({
    name: 'vigil_state_records_skipped_total',
    help: 'Input records a repartitioner skipped, by reason (no_key: the key function returned null)',
    labelNames: ['processor', 'reason'] as const,
    registers: [registry],
  }),
  partitions: new Gauge({
    name: 'vigil_state_partitions',
    help: 'Input partitions a processor currently owns (restored and running)',
    labelNames: ['processor'] as const,
    registers: [registry],
  }),
};
