import { array, number, oneOf } from '../../core/config/dsl.js';
import { VIGIL_TOPICS } from '../../core/config/schema.js';

/**
 * The options every sink run by the runner shares. A sink's schema spreads them into its own
 * fields: `fields: { id: componentId('sink'), ...runnerFields, ...its own }`.
 */
export const runnerFields = {
  topics: array({
    description: 'Which Vigil topics the sink reads (its own consumer group, `sink-<id>`).',
    items: oneOf({ description: 'A Vigil topic.', values: VIGIL_TOPICS }),
    minItems: 1,
    default: [...VIGIL_TOPICS],
  }),
  batchSize: number({ description: 'Records per delivery call.', int: true, min: 1, max: 100_000, default: 500 }),
  maxRetries: number({
    description: 'Attempts for a record the sink refused retriably before it is dead-lettered.',
    int: true,
    min: 0,
    max: 100,
    default: 8,
  }),
  timeoutMs: number({
    description: 'Longest one delivery call may take, in ms, before it is aborted and retried.',
    int: true,
    min: 100,
    max: 600_000,
    default: 30_000,
  }),
} as const;
