/**
 * The schema of the whole of `vigil.yaml`, and its loader. It lives here because it names every
 * component: `core/` holds the schema language, the loader and its own sections but imports
 * nothing of ours, so it cannot list the inputs (`ingest/inputs/registry.ts`) or the sinks
 * (`sinks/index.ts`); the CLI, which already puts the stages together (`stages.ts`), may import
 * them all. Each input and sink declares its schema beside its code; this file only joins them.
 */
import type { Infer, Same } from '../../core/config/dsl.js';
import { configLoader } from '../../core/config/load.js';
import { vigilSchemaWith } from '../../core/config/schema.js';
import type { VigilConfig as Sections } from '../../core/config/types.js';
import { enrichSchema, type EnrichConfig } from '../../ingest/enrich/config.js';
import { INPUT_SCHEMAS, type InputConfig } from '../../ingest/inputs/registry.js';
import { intelSchema, type IntelConfig } from '../../intel/config.js';
import { playbooksSchema } from '../../playbooks/config.js';
import { redisSchema } from '../../playbooks/queue/config.js';
import { SINK_SCHEMAS, type SinkConfig } from '../../sinks/index.js';

export const vigilSchema = vigilSchemaWith({
  inputs: INPUT_SCHEMAS,
  sinks: SINK_SCHEMAS,
  intel: intelSchema,
  enrich: enrichSchema,
  redis: redisSchema,
  playbooks: playbooksSchema,
});

/** `vigil.yaml` as loaded, every input and sink typed by its own schema. */
export type VigilConfig = Sections<InputConfig, SinkConfig, IntelConfig, EnrichConfig>;

export const { loadConfig, parseConfig, defaultConfig, describeSchema } = configLoader(vigilSchema);

export { ConfigError, type FieldDoc } from '../../core/config/index.js';
export type { InputConfig } from '../../ingest/inputs/registry.js';
export type { SinkConfig } from '../../sinks/index.js';

// A `false` here means the assembled schema and the section types drifted apart.
type Assert<T extends true> = T;
export type SchemaAgreesWithTypes = Assert<Same<Infer<typeof vigilSchema>, VigilConfig>>;
