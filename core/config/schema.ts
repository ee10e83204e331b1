/**
 * The sections of `vigil.yaml` that have no other home (elasticsearch, detections), and
 * `vigilSchemaWith`, which puts every section together. The others are declared beside the code
 * that owns them: kafka in `core/bus/config.ts`, ops in `core/telemetry/config.ts`; outside core
 * (which imports nothing of ours) inputs, sinks, intel, enrich, redis (`playbooks/queue/config.ts`)
 * and playbooks (`playbooks/config.ts`) are handed in by `cli/config/schema.ts`. `types.ts` is the
 * TypeScript view of the sections; the assertions at the bottom (and beside each component's
 * schema) fail to compile when the two drift apart.
 */
import { array, boolean, map, number, object, string, union, type Infer, type ObjectSchema, type Same } from './dsl.js';
import { kafkaSchema } from '../bus/config.js';
import { opsSchema } from '../telemetry/config.js';
import { apiSchema } from './api.js';
import type { ApiConfig, DetectionsConfig, ElasticsearchConfig, KafkaConfig, OpsConfig } from './types.js';

/** The Vigil topics a sink can read: `vigil.<name>`. */
export const VIGIL_TOPICS = ['events', 'alerts', 'incidents', 'actions'] as const;

const elasticsearch = object({
  description: 'The Elasticsearch cluster used by elasticsearch sinks and for index setup.',
  rule: 'elasticsearch-connection',
  fields: {
    node: string({ description: 'URL of an Elasticsearch node.', format: 'http-url', default: 'http://127.0.0.1:9200' }),
    username: string({
      description: 'Basic-auth user name. Leave unset when the cluster has security off or `apiKey` is used.',
      optional: true,
      sensitive: true,
    }),
    password: string({ description: 'Basic-auth password, used with `username`.', optional: true, sensitive: true }),
    apiKey: string({ description: 'API key (base64 `id:key`), instead of `username`/`password`.', optional: true, sensitive: true }),
    indexPrefix: string({
      description: 'Index names are `<indexPrefix>-<events|alerts|incidents|actions>`.',
      format: 'index-prefix',
      default: 'vigil',
    }),
    tls: object({
      description: 'How to trust the certificate of an `https://` node; set at most one of `caFile` and `caFingerprint`.',
      optional: true,
      fields: {
        caFile: string({
          description: 'CA bundle (PEM) the node certificate must chain to, instead of the system CAs.',
          minLength: 1,
          optional: true,
        }),
        caFingerprint: string({
          description:
            'SHA-256 fingerprint of the CA certificate (or of the node certificate itself) that the node presents, as Elasticsearch prints it at first start; hex, colons allowed.',
          format: 'sha256-fingerprint',
          optional: true,
        }),
        rejectUnauthorized: boolean({
          description: 'Refuse a node whose certificate cannot be verified. Off, anyone on the path can read the data and the credentials.',
          default: true,
        }),
      },
    }),
  },
});

// `groupBy` has no default so that an absent section stays absent (the builder's defaults apply).
const incidents = object({
  description: 'How alerts are grouped into incidents, deduplicated and scored.',
  optional: true,
  fields: {
    groupBy: array({
      description:
        'Entity fields that tie alerts into one incident, in priority order: an alert joins an open incident sharing any of their values within the window (without this section: host.name, user.name, source.ip).',
      items: string({ description: 'A dotted ECS field, e.g. `host.name`.', minLength: 1 }),
      minItems: 1,
    }),
    windowSeconds: number({
      description: 'Grouping window: the alerts of one incident span less than this, in seconds.',
      int: true,
      min: 1,
      max: 2_592_000,
      default: 3600,
    }),
    suppressionSeconds: number({
      description:
        'The same rule on the same entity within this many seconds of its first alert updates that incident, even a closed one; 0 disables.',
      int: true,
      min: 0,
      max: 2_592_000,
      default: 14_400,
    }),
    allowedLatenessSeconds: number({
      description: 'How long eviction waits for late alerts, in seconds of event time.',
      int: true,
      min: 0,
      max: 86_400,
      default: 300,
    }),
    maxIncidents: number({
      description: 'Incidents one builder holds in memory; past it the least recently updated is evicted.',
      int: true,
      min: 1,
      max: 10_000_000,
      default: 10_000,
    }),
    weights: map({
      description: "Risk weight per rule id or rule name; other rules weigh their level's score (low 21, medium 47, high 73, critical 99).",
      values: number({ description: 'A weight.', min: 0, max: 10_000 }),
      default: {},
    }),
  },
});

const correlation = object({
  description: 'Correlation windows (Sigma correlation rules and their extensions).',
  fields: {
    allowedLatenessSeconds: number({
      description:
        'How far behind the newest event time of its partition an event may arrive and still count, in seconds; later events go to vigil.deadletter (CORRELATION_LATE).',
      int: true,
      min: 0,
      max: 86_400,
      default: 60,
    }),
    maxKeysPerCorrelation: number({
      description:
        'Live groups one correlation holds per engine; past it, new groups are refused, counted in a metric, and a state-limit alert is raised once.',
      int: true,
      min: 1,
      max: 100_000_000,
      default: 1_000_000,
    }),
    idleAdvanceSeconds: number({
      description:
        'After this long without an event, event time follows the wall clock from the newest event seen, so windows still close and flatlines fire when every source is silent; 0 turns it off.',
      int: true,
      min: 0,
      max: 86_400,
      default: 60,
    }),
  },
});

const detections = object({
  description: 'Detection rules run over `vigil.events`.',
  fields: {
    correlation,
    rules: array({
      description: 'Files or folders of Sigma rules, relative to the working directory.',
      items: string({ description: 'A file or folder.', minLength: 1 }),
      default: ['rules/sigma'],
    }),
    pipeline: string({
      description: 'Field-mapping pipeline the rules are compiled with: a name in `rules/pipelines/` (ecs, raw, …) or a path to one.',
      minLength: 1,
      default: 'ecs',
    }),
    placeholders: map({
      description: 'Values of Sigma placeholders (`%name%` in rules using the `expand` modifier), by placeholder name.',
      values: array({ description: 'The values of one placeholder.', items: string({ description: 'A value.' }) }),
      default: {},
    }),
    placeholderFiles: map({
      description:
        'Placeholder values kept in files, by placeholder name: one value a line, `#` starts a comment; a file is read again when it changes.',
      values: string({ description: 'A file, relative to the working directory.', minLength: 1 }),
      default: {},
    }),
    includeDeprecated: boolean({
      description:
        'Also run rules whose `status` is `deprecated` or `unsupported`; by default they are skipped (and counted in the load log).',
      default: false,
    }),
    incidents,
  },
  check: (v) =>
    Object.keys((v as DetectionsConfig).placeholderFiles)
      .filter((name) => name in (v as DetectionsConfig).placeholders)
      .map((name) => ({
        code: 'CONFIG_CONFLICT',
        field: `placeholderFiles.${name}`,
        message: `placeholder '${name}' has values in both placeholders and placeholderFiles`,
      })),
});

/** Components of one kind (inputs or sinks), keyed by their YAML `type`. */
export type ComponentSchemas = Readonly<Record<string, ObjectSchema>>;

/** The schema of the whole of `vigil.yaml`, given the schemas of every input and sink type. */
export const vigilSchemaWith = <
  const I extends ComponentSchemas,
  const S extends ComponentSchemas,
  const X extends ObjectSchema,
  const E extends ObjectSchema,
  const R extends ObjectSchema,
  const P extends ObjectSchema,
>(registries: {
  inputs: I;
  sinks: S;
  /** `intel`: declared beside its code (`intel/config.ts`), which `core/` does not import. */
  intel: X;
  /** `enrich`: declared beside its code (`ingest/enrich/config.ts`). */
  enrich: E;
  /** `redis`: declared beside the queue that uses it (`playbooks/queue/config.ts`). */
  redis: R;
  /** `playbooks`: declared beside their code (`playbooks/config.ts`). */
  playbooks: P;
}) =>
  object({
    description: 'Vigil configuration (`vigil.yaml`).',
    fields: {
      kafka: kafkaSchema,
      redis: registries.redis,
      elasticsearch,
      ops: opsSchema,
      api: apiSchema,
      inputs: array({
        description: 'Where telemetry comes in.',
        items: union({
          description: 'One input.',
          typeDescription: 'Input type; decides which other fields apply.',
          variants: registries.inputs,
        }),
        default: [],
      }),
      detections,
      playbooks: registries.playbooks,
      intel: registries.intel,
      enrich: registries.enrich,
      sinks: array({
        description: 'Where Vigil topics go out.',
        items: union({
          description: 'One sink.',
          typeDescription: 'Sink type; decides which other fields apply.',
          variants: registries.sinks,
        }),
        default: [],
      }),
    },
  });

// ---- compile-time agreement with types.ts (a `false` here means they drifted) ----
type Assert<T extends true> = T;
export type SchemaAgreesWithTypes = [
  Assert<Same<Infer<typeof kafkaSchema>, KafkaConfig>>,
  Assert<Same<Infer<typeof elasticsearch>, ElasticsearchConfig>>,
  Assert<Same<Infer<typeof opsSchema>, OpsConfig>>,
  Assert<Same<Infer<typeof apiSchema>, ApiConfig>>,
  Assert<Same<Infer<typeof detections>, DetectionsConfig>>,
];
