import { array, number, oneOf, type Infer } from '../../core/config/dsl.js';
import { VIGIL_TOPICS } from '../../core/config/schema.js';
import { routesField } from '../routes/schema.js';

/**
 * The options every sink run by the runner shares, its routes among them. A sink's schema spreads
 * them into its own fields: `fields: { id: componentId('sink'), ...runnerFields, ...its own }`.
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
  routes: routesField,
} as const;

type RunnerFields = Infer<{ kind: 'object'; fields: typeof runnerFields }>;

/** What the runner takes from a sink's config: `startSinkRunner({ ...runnerSettings(sink, 'http'), bus, deliver, … })`. */
export function runnerSettings(sink: RunnerFields & { id: string }, type: string) {
  return {
    id: sink.id,
    type,
    topics: sink.topics,
    batchSize: sink.batchSize,
    maxRetries: sink.maxRetries,
    timeoutMs: sink.timeoutMs,
    ...(sink.routes ? { routes: sink.routes } : {}),
  };
}
