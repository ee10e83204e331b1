/**
 * Field names against what the rule will read: Sigma's taxonomy for the logsource, and the
 * field-mapping pipeline the engine runs the rule with (`rules/pipelines/<name>.yml`).
 * Dotted names are ECS paths already and are not checked against the Sigma taxonomy.
 */
import { applicableSections, loadPipeline, logsourceMatcher, toLogsourceKey, type Pipeline } from '../../pipelines/index.js';
import { fieldEntries } from '../detection.js';
import { keyNode, text, val } from '../document.js';
import type { DocCheck, LintDoc, LintOptions } from '../model.js';
import { taxonomyFields } from '../taxonomy.js';

const pipelines = new Map<string, Pipeline>();

/** The pipeline the options name (loaded once per name). Throws PipelineError when it does not load. */
export function lintPipeline(options: LintOptions): Pipeline {
  const name = options.pipeline ?? 'ecs';
  let p = pipelines.get(name);
  if (!p) {
    p = loadPipeline(name);
    pipelines.set(name, p);
  }
  return p;
}

function logsourceOf(doc: LintDoc): { product?: string; category?: string; service?: string } {
  const ls = val(doc.root, 'logsource');
  const get = (k: string): string | undefined => text(val(ls, k))?.toLowerCase();
  return { product: get('product'), category: get('category'), service: get('service') };
}

const isDotted = (field: string): boolean => /^\w+\./.test(field);
/** ECS fields whose names have no dot (ECS base field set). */
const ECS_BASE = new Set(['@timestamp', 'message', 'tags', 'labels']);

function taxonomyOf(doc: LintDoc): ReadonlySet<string> | undefined {
  if (doc.kind === 'correlation') return undefined;
  const ls = logsourceOf(doc);
  return taxonomyFields(ls.product, ls.category);
}

export const fieldUnknown: DocCheck = {
  id: 'field-unknown-taxonomy',
  severity: 'warning',
  group: 'fields',
  description: "a field the Sigma taxonomy does not define for the rule's logsource category",
  run(doc, emit) {
    const known = taxonomyOf(doc);
    if (!known) return;
    const lower = new Set([...known].map((f) => f.toLowerCase()));
    const ls = logsourceOf(doc);
    for (const e of fieldEntries(doc)) {
      const field = e.field?.trim();
      if (field === undefined || isDotted(field) || known.has(field) || lower.has(field.toLowerCase())) continue;
      emit(e.key, `field '${e.field}' is not in the Sigma taxonomy for ${ls.product}/${ls.category}`);
    }
  },
};

export const fieldCase: DocCheck = {
  id: 'field-case-mismatch',
  severity: 'warning',
  group: 'fields',
  description: 'a field that differs from a taxonomy field only in letter case (field names are case-sensitive)',
  run(doc, emit) {
    const known = taxonomyOf(doc);
    if (!known) return;
    const byLower = new Map([...known].map((f) => [f.toLowerCase(), f]));
    for (const e of fieldEntries(doc)) {
      if (e.field === null || known.has(e.field)) continue;
      const right = byLower.get(e.field.toLowerCase());
      if (right) emit(e.key, `field '${e.field}' should be written '${right}'`);
    }
  },
};

export const fieldUnmapped: DocCheck = {
  id: 'field-unmapped-pipeline',
  severity: 'warning',
  group: 'fields',
  description: 'a field the configured pipeline does not map for the logsource: it is read by its Sigma name, which ECS events do not have',
  run(doc, emit, options) {
    if (doc.kind === 'correlation' || val(doc.root, 'logsource')?.kind !== 'map') return;
    const pipeline = lintPipeline(options);
    const key = toLogsourceKey(logsourceOf(doc));
    // A logsource the pipeline shows no event is logsource-unmapped-pipeline's finding; its fields do not matter.
    if (logsourceMatcher(pipeline, key).kind === 'none') return;
    const sections = applicableSections(pipeline, key);
    if (sections.some((s) => s.unmapped !== undefined)) return;
    for (const e of fieldEntries(doc)) {
      if (e.field === null || ECS_BASE.has(e.field) || (pipeline.keepDotted && isDotted(e.field))) continue;
      if (!sections.some((s) => s.fields.has(e.field as string)))
        emit(e.key, `field '${e.field}' has no mapping in pipeline '${pipeline.name}' for this logsource`);
    }
  },
};

export const logsourceUnmapped: DocCheck = {
  id: 'logsource-unmapped-pipeline',
  severity: 'warning',
  group: 'fields',
  description: 'the configured pipeline maps no events to the logsource: the rule sees none',
  run(doc, emit, options) {
    if (doc.kind !== 'rule') return;
    const node = val(doc.root, 'logsource');
    if (node?.kind !== 'map') return;
    const pipeline = lintPipeline(options);
    const key = toLogsourceKey(logsourceOf(doc));
    if (logsourceMatcher(pipeline, key).kind === 'none')
      emit(
        keyNode(doc.root, 'logsource'),
        `pipeline '${pipeline.name}' maps no events to logsource ${[key.product, key.category, key.service].filter(Boolean).join('/')}`,
      );
  },
};
