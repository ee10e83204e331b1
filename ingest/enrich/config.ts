/** `enrich` in vigil.yaml: what ingest adds to events from local databases before they reach `vigil.events`. */
import { object, type Infer } from '../../core/config/dsl.js';
import { geoipSchema } from './geoip/config.js';

export const enrichSchema = object({
  description: 'Enrichment at ingest from local databases.',
  fields: { geoip: geoipSchema },
});

export type EnrichConfig = Infer<typeof enrichSchema>;
