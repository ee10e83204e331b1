import { array, free, map, number, object, oneOf, string, type FieldProblem, type Infer } from '../../core/config/dsl.js';
import { VIGIL_TOPICS } from '../../core/config/schema.js';
import { routeProblems } from './check.js';

const fieldList = (description: string) =>
  array({ description, items: string({ description: 'A dotted field path.', minLength: 1 }), optional: true });

/** One route of a sink: which records, and what happens to them on the way. */
export const routeSchema = object({
  description:
    'A route of a sink: the records it takes (a Sigma detection block) and what happens to them on the way. A record goes down the first route that takes it; records no route takes are dropped (reason `unrouted`).',
  fields: {
    name: string({ description: 'The route name: a metrics label and a column of `vigil report reduction`.', format: 'id' }),
    topics: array({
      description: 'The topics this route applies to. Default: every topic the sink reads.',
      items: oneOf({ description: 'A Vigil topic.', values: VIGIL_TOPICS }),
      minItems: 1,
      optional: true,
    }),
    match: free({
      description:
        'A Sigma detection block (named selections and a `condition`) over the record as it is on the topic (ECS dotted fields). Default: every record.',
      optional: true,
    }),
    keep: fieldList('Projection: only these fields (and their subfields) are sent. Default: all.'),
    drop: fieldList('These fields (and their subfields) are removed.'),
    rename: map({
      description: 'Field → new name (dotted paths both), applied after keep/drop.',
      values: string({ description: 'The new dotted path.', minLength: 1 }),
      optional: true,
    }),
    redact: fieldList('These fields, where present, are replaced by the string `[REDACTED]`.'),
    hash: object({
      description: 'Keyed hash (HMAC-SHA256, hex) of fields holding personal data: equal values stay joinable, the value is not revealed.',
      fields: {
        fields: array({
          description: 'The fields to hash (arrays: each element).',
          items: string({ description: 'A dotted field path.', minLength: 1 }),
          minItems: 1,
        }),
        secret: string({ description: 'The HMAC key (at least 16 characters); use `${ENV_VAR}`.', minLength: 16, sensitive: true }),
      },
      optional: true,
    }),
    truncate: map({
      description: 'Field → longest length in characters; a longer string is cut (and `vigil.truncated` lists the field).',
      values: number({ description: 'Characters kept.', int: true, min: 1 }),
      optional: true,
    }),
    sample: object({
      description:
        'Keep 1 record in `rate`, chosen by a hash of `key` so that the records of one entity stay together or go together. Never applied to alerts, incidents, actions, or events marked as matched (`vigil.matched`, `vigil.alert`).',
      fields: {
        rate: number({ description: 'Keep 1 in this many.', int: true, min: 1 }),
        key: string({ description: 'The field whose value chooses (e.g. `host.name`); records without it are kept.', minLength: 1 }),
      },
      optional: true,
    }),
    dedupe: object({
      description: 'Drop a record identical (after the transforms) to one this route sent within the window.',
      fields: {
        windowMs: number({ description: 'The window in ms.', int: true, min: 1, max: 86_400_000 }),
        maxEntries: number({
          description: 'Distinct records remembered per route; the oldest are forgotten first.',
          int: true,
          min: 1,
          default: 100_000,
        }),
      },
      optional: true,
    }),
    aggregate: object({
      description:
        'Roll records into one per key and interval with a count and sums. Rolled up per consumer batch: a key whose interval spans batches yields several partial records (sum them); offsets are committed only after the aggregate was delivered.',
      fields: {
        by: array({ description: 'The key fields.', items: string({ description: 'A dotted field path.', minLength: 1 }), minItems: 1 }),
        intervalMs: number({
          description: 'The interval in ms, aligned on the epoch, by `@timestamp` (else the Kafka timestamp).',
          int: true,
          min: 1,
        }),
        sum: fieldList('Numeric fields summed into `aggregate.sum.<field>`.'),
      },
      optional: true,
    }),
  },
  check: (value: unknown): FieldProblem[] => routeProblems(value as RouteConfig),
});

/** A sink's `routes:`; sinks include it in their schema as `routes: routesField`. */
export const routesField = array({
  description: 'Which records the sink receives and how they are reduced and transformed (see `routes[]`). Default: every record, whole.',
  items: routeSchema,
  optional: true,
});

export type RouteConfig = Infer<typeof routeSchema>;
