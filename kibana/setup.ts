import type { KibanaTarget } from './client.js';
import { playbookConnector, upsertConnector } from './connector.js';
import { importSavedObjects } from './import.js';
import { toNdjson, vigilSavedObjects } from './objects/index.js';

export interface SetupOptions {
  target: KibanaTarget;
  /** `elasticsearch.indexPrefix`: which indices the data views read. */
  indexPrefix: string;
  /** When set, one webhook connector per playbook. */
  connectors?: { vigilUrl: string; token: string; playbooks: string[] };
}

/**
 * Imports Vigil's saved objects (overwriting by id) and creates or updates the playbook
 * connectors. Running it twice changes nothing but timestamps. Calls `out` with one line per
 * object; throws a VigilError (KIBANA_*) at the first failure.
 */
export async function setupKibana(o: SetupOptions, out: (line: string) => void): Promise<void> {
  const objects = vigilSavedObjects({ indexPrefix: o.indexPrefix });
  const imported = await importSavedObjects(o.target, toNdjson(objects));
  for (const c of imported.created) out(`created ${c}`);
  for (const u of imported.updated) out(`updated ${u}`);
  for (const playbook of o.connectors?.playbooks ?? []) {
    const spec = playbookConnector(o.indexPrefix, { vigilUrl: o.connectors!.vigilUrl, token: o.connectors!.token, playbook });
    const done = await upsertConnector(o.target, spec);
    out(`${done} connector ${spec.id} (${spec.name}) → ${String(spec.config.url)}`);
  }
}
