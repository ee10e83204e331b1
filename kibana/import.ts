import { VigilError } from '../core/errors/index.js';
import { expectStatus, kibanaRequest, type KibanaTarget } from './client.js';

/** One object of an import response: `successResults[]` or `errors[]` (Kibana 8.x import API). */
interface ImportedObject {
  type: string;
  id: string;
  meta?: { title?: string };
  title?: string;
  /** In `successResults`: the object existed and was overwritten. */
  overwrite?: boolean;
  /** In `errors`: `conflict`, `ambiguous_conflict`, `missing_references`, `unsupported_type` or `unknown`. */
  error?: { type: string; message?: string; statusCode?: number; references?: Array<{ type: string; id: string }> };
}

interface ImportResponse {
  success: boolean;
  successCount: number;
  successResults?: ImportedObject[];
  errors?: ImportedObject[];
}

export interface ImportOutcome {
  created: string[];
  updated: string[];
}

const label = (o: ImportedObject) => `${o.type} ${o.id}${(o.meta?.title ?? o.title) ? ` (${o.meta?.title ?? o.title})` : ''}`;

function why(e: NonNullable<ImportedObject['error']>): string {
  if (e.type === 'missing_references' && e.references?.length) {
    return `missing_references: ${e.references.map((r) => `${r.type} ${r.id}`).join(', ')}`;
  }
  return e.message ? `${e.type}: ${e.message}` : e.type;
}

function isImportResponse(b: unknown): b is ImportResponse {
  return !!b && typeof b === 'object' && typeof (b as ImportResponse).success === 'boolean';
}

/**
 * `POST [/s/<space>]/api/saved_objects/_import?overwrite=true` with the NDJSON as the multipart
 * `file` field. Overwrite makes a second run replace the objects by id instead of failing with
 * conflicts. A response with `success: false` names each object left out and why.
 */
export async function importSavedObjects(target: KibanaTarget, ndjson: string, fileName = 'vigil.ndjson'): Promise<ImportOutcome> {
  const form = new FormData();
  form.append('file', new Blob([ndjson], { type: 'application/ndjson' }), fileName);
  const res = await kibanaRequest(target, 'POST', '/api/saved_objects/_import?overwrite=true', { form });
  expectStatus(res, [200], 'saved objects import');
  if (!isImportResponse(res.body)) {
    throw new VigilError(
      'KIBANA_REQUEST',
      `saved objects import: the response is not an import result: ${JSON.stringify(res.body)?.slice(0, 300)}`,
    );
  }
  const body = res.body;
  const results = body.successResults ?? [];
  const outcome: ImportOutcome = {
    created: results.filter((r) => !r.overwrite).map(label),
    updated: results.filter((r) => r.overwrite).map(label),
  };
  if (!body.success || (body.errors?.length ?? 0) > 0) {
    const failed = (body.errors ?? []).map((e) => `  ${label(e)}: ${e.error ? why(e.error) : 'unknown'}`);
    throw new VigilError(
      'KIBANA_IMPORT_FAILED',
      `saved objects import: ${failed.length} object(s) failed, ${body.successCount} imported\n${failed.join('\n')}`,
    );
  }
  return outcome;
}
