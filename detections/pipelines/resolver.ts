/**
 * A pipeline and a rule's logsource → the FieldResolver its detection is compiled with
 * (`CompileOptions.resolveField`). Resolution happens once per field at compile time; per event
 * a field costs one getter call per path until one is present.
 */
import type { FieldResolver } from '../sigma/compile.js';
import { firstOfPaths } from '../sigma/field-path.js';
import { containsLogsource, type LogsourceKey, type Pipeline, type PipelineSection } from './model.js';

export type Getter = (event: object) => unknown;

/** The sections of a pipeline that apply to a logsource, in pipeline order. */
export function applicableSections(pipeline: Pipeline, logsource: LogsourceKey): PipelineSection[] {
  return pipeline.sections.filter((s) => containsLogsource(s.logsource, logsource));
}

/** Rules whose logsources get the same sections resolve every field alike: one resolver per key. */
export function resolverKey(pipeline: Pipeline, logsource: LogsourceKey): string {
  const idx: number[] = [];
  pipeline.sections.forEach((s, i) => {
    if (containsLogsource(s.logsource, logsource)) idx.push(i);
  });
  return `${pipeline.file}#${idx.join(',')}`;
}

const fill = (template: string, field: string): string => template.split('{field}').join(field);

/**
 * The paths a Sigma field name reads for rules of this logsource, in the order they are tried:
 * the original value (when a section asks for it), then the mapped targets; an unmapped field
 * reads the first `unmapped` template of the applicable sections, or its own name. A name with
 * a dot is an ECS path already (when the pipeline keeps dotted names).
 */
export function fieldPaths(pipeline: Pipeline, logsource: LogsourceKey, field: string): string[] {
  const sections = applicableSections(pipeline, logsource);
  const mapped = sections.find((s) => s.fields.has(field))?.fields.get(field);
  const dotted = pipeline.keepDotted && /^\w+\./.test(field);
  let paths: string[];
  if (mapped) {
    const original = dotted ? undefined : sections.find((s) => s.original !== undefined)?.original;
    paths = original === undefined ? [...mapped] : [fill(original, field), ...mapped];
  } else if (dotted) {
    paths = [field];
  } else {
    const unmapped = sections.find((s) => s.unmapped !== undefined)?.unmapped;
    paths = unmapped ? unmapped.map((t) => fill(t, field)) : [field];
  }
  return [...new Set(paths)];
}

/** `{"#text": v, …}` (an XML element with attributes, as evtx_dump writes it) → v. */
function textNode(v: unknown): unknown {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, '#text')) return (v as Record<string, unknown>)['#text'];
  return v;
}

const getterCache = new Map<string, Getter>();

/** One shared getter per list of paths: rules (and the prefilter) reading the same paths share it (memoized per event scope). */
export function pathsGetter(paths: readonly string[], unwrapText: boolean): Getter {
  const key = `${unwrapText ? 1 : 0}\u0000${paths.join('\u0000')}`;
  let g = getterCache.get(key);
  if (!g) {
    g = firstOfPaths(paths, { memo: true, ...(unwrapText ? { map: textNode } : {}) }) as Getter;
    getterCache.set(key, g);
  }
  return g;
}

const resolverCache = new Map<string, FieldResolver>();

/** The FieldResolver for rules of this logsource under this pipeline (cached per applicable sections). */
export function resolverFor(pipeline: Pipeline, logsource: LogsourceKey): FieldResolver {
  const key = resolverKey(pipeline, logsource);
  let r = resolverCache.get(key);
  if (r) return r;
  const fields = new Map<string, Getter>();
  r = (field) => {
    let g = fields.get(field);
    if (!g) {
      g = pathsGetter(fieldPaths(pipeline, logsource, field), pipeline.unwrapText);
      fields.set(field, g);
    }
    return g;
  };
  resolverCache.set(key, r);
  return r;
}
