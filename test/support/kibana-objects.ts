/**
 * Checks of Kibana saved objects without Kibana: the shapes its export/import API documents for
 * each type (JSON-string attributes that must parse, references that must resolve), and the
 * fields each object reads, against the mappings of Vigil's index templates.
 */
import type { IndexTemplate } from '../../sinks/elasticsearch/template.js';

export interface RawObject {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  references: Array<{ name: string; type: string; id: string }>;
  coreMigrationVersion?: string;
  typeMigrationVersion?: string;
}

const SUPPORTED = new Set(['index-pattern', 'search', 'dashboard']);
const SEMVER = /^\d+\.\d+\.\d+$/;
const LENS_TYPES = new Set(['lnsXY', 'lnsDatatable', 'lnsMetric']);

function parseJsonString(problems: string[], where: string, v: unknown): unknown {
  if (typeof v !== 'string') {
    problems.push(`${where}: not a JSON string`);
    return undefined;
  }
  try {
    return JSON.parse(v) as unknown;
  } catch (err) {
    problems.push(`${where}: ${(err as Error).message}`);
    return undefined;
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Parses NDJSON as the import API does: one object per non-empty line. */
export function parseNdjson(text: string): RawObject[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as RawObject);
}

/** Every way the set departs from the documented shapes; empty when it conforms. */
export function shapeProblems(objects: readonly RawObject[]): string[] {
  const problems: string[] = [];
  const byKey = new Map(objects.map((o) => [`${o.type}:${o.id}`, o]));
  if (byKey.size !== objects.length) problems.push('two objects share a type and id');
  for (const o of objects) {
    const at = `${o.type} ${o.id}`;
    if (!SUPPORTED.has(o.type)) problems.push(`${at}: unsupported type`);
    if (typeof o.id !== 'string' || o.id === '') problems.push(`${at}: no id`);
    if (!isObj(o.attributes)) problems.push(`${at}: attributes is not an object`);
    if (!Array.isArray(o.references)) problems.push(`${at}: references is not an array`);
    if (o.coreMigrationVersion !== undefined && !SEMVER.test(o.coreMigrationVersion)) problems.push(`${at}: bad coreMigrationVersion`);
    if (o.typeMigrationVersion !== undefined && !SEMVER.test(o.typeMigrationVersion)) problems.push(`${at}: bad typeMigrationVersion`);
    for (const r of o.references ?? []) {
      if (!byKey.has(`${r.type}:${r.id}`)) problems.push(`${at}: reference ${r.name} → ${r.type} ${r.id} is not in the set`);
    }
    const refNames = new Set((o.references ?? []).map((r) => r.name));
    if (refNames.size !== (o.references ?? []).length) problems.push(`${at}: two references share a name`);
    const a = o.attributes ?? {};
    if (typeof a.title !== 'string' || a.title === '') problems.push(`${at}: no title`);
    if (o.type === 'index-pattern') {
      const formats = parseJsonString(problems, `${at} fieldFormatMap`, a.fieldFormatMap);
      if (isObj(formats)) {
        for (const [f, fmt] of Object.entries(formats)) {
          if (!isObj(fmt) || typeof fmt.id !== 'string' || !isObj(fmt.params)) problems.push(`${at}: format of ${f} lacks id/params`);
        }
      }
      const runtime = parseJsonString(problems, `${at} runtimeFieldMap`, a.runtimeFieldMap);
      if (isObj(runtime)) {
        for (const [f, rf] of Object.entries(runtime)) {
          if (!isObj(rf) || typeof rf.type !== 'string' || !isObj(rf.script) || typeof rf.script.source !== 'string')
            problems.push(`${at}: runtime field ${f} lacks type/script.source`);
        }
      }
      for (const k of ['fields', 'sourceFilters'])
        if (!Array.isArray(parseJsonString(problems, `${at} ${k}`, a[k]))) problems.push(`${at}: ${k} is not an array`);
      if (typeof a.timeFieldName !== 'string') problems.push(`${at}: no timeFieldName`);
    }
    if (o.type === 'search') {
      if (!Array.isArray(a.columns) || !a.columns.every((c) => typeof c === 'string'))
        problems.push(`${at}: columns is not a list of names`);
      if (!Array.isArray(a.sort) || !a.sort.every((s) => Array.isArray(s) && s.length === 2 && ['asc', 'desc'].includes(s[1] as string)))
        problems.push(`${at}: sort is not a list of [field, asc|desc]`);
      checkSearchSource(problems, at, o);
    }
    if (o.type === 'dashboard') {
      parseJsonString(problems, `${at} optionsJSON`, a.optionsJSON);
      checkSearchSource(problems, at, o);
      const panels = parseJsonString(problems, `${at} panelsJSON`, a.panelsJSON);
      if (!Array.isArray(panels)) problems.push(`${at}: panelsJSON is not an array`);
      else checkPanels(problems, at, o, panels);
    }
  }
  return problems;
}

function checkSearchSource(problems: string[], at: string, o: RawObject): void {
  const meta = o.attributes.kibanaSavedObjectMeta;
  if (!isObj(meta)) return void problems.push(`${at}: no kibanaSavedObjectMeta`);
  const source = parseJsonString(problems, `${at} searchSourceJSON`, meta.searchSourceJSON);
  if (!isObj(source)) return;
  if (!isObj(source.query) || typeof source.query.query !== 'string') problems.push(`${at}: searchSource has no query`);
  if (source.indexRefName !== undefined && !o.references.some((r) => r.name === source.indexRefName && r.type === 'index-pattern'))
    problems.push(`${at}: indexRefName ${String(source.indexRefName)} names no index-pattern reference`);
  if (o.type === 'search' && source.indexRefName === undefined) problems.push(`${at}: a saved search needs its data view`);
}

function checkPanels(problems: string[], at: string, o: RawObject, panels: unknown[]): void {
  const seen = new Set<string>();
  for (const p of panels) {
    if (!isObj(p) || typeof p.panelIndex !== 'string') {
      problems.push(`${at}: a panel has no panelIndex`);
      continue;
    }
    const pat = `${at} panel ${p.panelIndex}`;
    if (seen.has(p.panelIndex)) problems.push(`${pat}: duplicate panelIndex`);
    if (typeof p.version !== 'string' || !SEMVER.test(p.version))
      problems.push(`${pat}: no panel version (Kibana would migrate it from the start)`);
    seen.add(p.panelIndex);
    const g = p.gridData;
    if (!isObj(g) || g.i !== p.panelIndex || typeof g.x !== 'number' || typeof g.w !== 'number' || (g.x as number) + (g.w as number) > 48)
      problems.push(`${pat}: gridData is not {x,y,w,h,i} within 48 columns`);
    if (typeof p.panelRefName === 'string') {
      if (!o.references.some((r) => r.name === `${p.panelIndex}:${p.panelRefName}` && r.type === p.type))
        problems.push(`${pat}: panelRefName ${p.panelRefName} has no ${String(p.type)} reference`);
      continue;
    }
    if (p.type !== 'lens') {
      problems.push(`${pat}: a by-value panel of type ${String(p.type)}`);
      continue;
    }
    const attrs = isObj(p.embeddableConfig) ? p.embeddableConfig.attributes : undefined;
    if (!isObj(attrs) || !LENS_TYPES.has(attrs.visualizationType as string)) {
      problems.push(`${pat}: no Lens attributes with a known visualizationType`);
      continue;
    }
    const state = attrs.state as { datasourceStates?: { formBased?: { layers?: Record<string, unknown> } }; visualization?: unknown };
    const layers = state?.datasourceStates?.formBased?.layers;
    if (!isObj(layers)) {
      problems.push(`${pat}: no formBased layers`);
      continue;
    }
    const ids = new Set<string>();
    for (const [layerId, layer] of Object.entries(layers)) {
      const l = layer as { columns?: Record<string, unknown>; columnOrder?: string[] };
      const cols = Object.keys(l.columns ?? {});
      if (JSON.stringify(cols.slice().sort()) !== JSON.stringify((l.columnOrder ?? []).slice().sort()))
        problems.push(`${pat}: columnOrder differs from the columns`);
      cols.forEach((c) => ids.add(c));
      const refName = `indexpattern-datasource-layer-${layerId}`;
      const inner = ((attrs.references as RawObject['references']) ?? []).find((r) => r.name === refName);
      const outer = o.references.find((r) => r.name === `${p.panelIndex}:${refName}`);
      if (!inner || !outer || inner.id !== outer.id) problems.push(`${pat}: layer ${layerId} has no matching data view reference`);
    }
    for (const accessor of accessorsOf(state.visualization)) {
      if (!ids.has(accessor)) problems.push(`${pat}: the visualization uses column ${accessor}, which no layer has`);
    }
  }
}

function accessorsOf(vis: unknown): string[] {
  if (!isObj(vis)) return [];
  const out: string[] = [];
  if (typeof vis.metricAccessor === 'string') out.push(vis.metricAccessor);
  if (Array.isArray(vis.columns)) for (const c of vis.columns) if (isObj(c) && typeof c.columnId === 'string') out.push(c.columnId);
  if (Array.isArray(vis.layers)) {
    for (const l of vis.layers) {
      if (!isObj(l)) continue;
      for (const k of ['xAccessor', 'splitAccessor']) if (typeof l[k] === 'string') out.push(l[k] as string);
      if (Array.isArray(l.accessors)) out.push(...(l.accessors as string[]));
    }
  }
  return out;
}

/** A field as a template maps it: its type and whether it can be searched, sorted and aggregated. */
export interface MappedField {
  type: string;
  indexed: boolean;
  docValues: boolean;
}

/** `a.b.c` → mapping, through `properties` and multi-`fields`. */
export function flattenMappings(mappings: Record<string, unknown>, prefix = ''): Map<string, MappedField> {
  const out = new Map<string, MappedField>();
  const props = (mappings.properties ?? {}) as Record<string, Record<string, unknown>>;
  for (const [name, m] of Object.entries(props)) {
    const path = prefix ? `${prefix}.${name}` : name;
    if (m.properties) for (const [k, v] of flattenMappings(m, path)) out.set(k, v);
    if (typeof m.type === 'string' && m.type !== 'object') {
      out.set(path, { type: m.type, indexed: m.index !== false, docValues: m.doc_values !== false && !/text$/.test(m.type) });
    }
    for (const [sub, sm] of Object.entries((m.fields ?? {}) as Record<string, Record<string, unknown>>)) {
      out.set(`${path}.${sub}`, { type: sm.type as string, indexed: sm.index !== false, docValues: !/text$/.test(sm.type as string) });
    }
  }
  return out;
}

/** The template Elasticsearch would apply to an index of this name: the highest priority whose pattern matches. */
export function templateFor(templates: readonly IndexTemplate[], index: string): IndexTemplate | undefined {
  const glob = (p: string) =>
    new RegExp(
      `^${p
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
  return templates
    .filter((t) => t.body.index_patterns.some((p) => glob(p).test(index)))
    .sort((a, b) => b.body.priority - a.body.priority)[0];
}

type Need = 'aggregatable' | 'date' | 'numeric' | 'searchable' | 'sortable' | 'string' | 'any';
const NUMERIC = new Set(['long', 'integer', 'short', 'byte', 'float', 'double', 'half_float', 'scaled_float']);

function meets(f: MappedField, need: Need): boolean {
  switch (need) {
    case 'date':
      return f.type === 'date' && f.indexed;
    case 'numeric':
      return NUMERIC.has(f.type) && f.docValues;
    case 'aggregatable':
    case 'sortable':
      return f.docValues && f.indexed;
    case 'searchable':
      return f.indexed;
    case 'string':
      return f.type === 'keyword' || f.type === 'wildcard' || f.type === 'constant_keyword';
    case 'any':
      return true;
  }
}

/** The fields named in a KQL query: `a.b : …` and `a.b:…`. */
export function kqlFields(query: string): string[] {
  return [...query.matchAll(/([A-Za-z_@][\w.@]*)\s*:/g)].map((m) => m[1] as string);
}

const LENS_NEEDS: Record<string, Need> = {
  date_histogram: 'date',
  terms: 'aggregatable',
  average: 'numeric',
  median: 'numeric',
  sum: 'numeric',
  unique_count: 'aggregatable',
};

/**
 * Every field reference of the set whose field is missing from the mappings of the index its data
 * view reads, or mapped with a type that cannot serve the use (a terms split on `text`, an average
 * of a keyword). Runtime fields of a data view count as fields, and the fields their scripts read
 * must themselves be mapped.
 */
export function fieldProblems(objects: readonly RawObject[], templates: readonly IndexTemplate[]): string[] {
  const problems: string[] = [];
  const views = new Map<string, { fields: Map<string, MappedField>; title: string }>();
  for (const v of objects.filter((o) => o.type === 'index-pattern')) {
    const title = v.attributes.title as string;
    const t = templateFor(templates, title);
    if (!t) {
      problems.push(`index-pattern ${v.id}: no Vigil template matches ${title}`);
      continue;
    }
    const fields = flattenMappings(t.body.template.mappings);
    const runtime = JSON.parse(v.attributes.runtimeFieldMap as string) as Record<string, { type: string; script: { source: string } }>;
    for (const [name, rf] of Object.entries(runtime)) {
      for (const m of rf.script.source.matchAll(/doc\['([^']+)'\]/g)) {
        const f = fields.get(m[1] as string);
        if (!f || !f.docValues)
          problems.push(`index-pattern ${v.id}: runtime field ${name} reads ${m[1]}, which ${f ? 'has no doc values' : 'is not mapped'}`);
      }
      fields.set(name, { type: rf.type, indexed: true, docValues: true });
    }
    views.set(v.id, { fields, title });
    const check = (field: string, need: Need, use: string) => {
      const f = fields.get(field);
      if (!f) problems.push(`index-pattern ${v.id} (${title}): ${use} ${field} is not in the template ${t.name}`);
      else if (!meets(f, need)) problems.push(`index-pattern ${v.id} (${title}): ${use} ${field} is ${f.type}, not ${need}`);
    };
    check(v.attributes.timeFieldName as string, 'date', 'time field');
    const formats = JSON.parse(v.attributes.fieldFormatMap as string) as Record<string, { id: string; params: { fieldType?: string } }>;
    for (const [field, fmt] of Object.entries(formats)) {
      const need: Need =
        fmt.id === 'url' ? 'string' : fmt.params.fieldType === 'number' ? 'numeric' : fmt.params.fieldType === 'string' ? 'string' : 'any';
      check(field, need, `${fmt.id} format of`);
    }
  }
  const use = (viewId: string, field: string, need: Need, where: string) => {
    const v = views.get(viewId);
    if (!v) return void problems.push(`${where}: data view ${viewId} is not in the set`);
    const f = v.fields.get(field);
    if (!f) problems.push(`${where}: ${field} is not mapped for ${v.title}`);
    else if (!meets(f, need)) problems.push(`${where}: ${field} is ${f.type} for ${v.title}, not ${need}`);
  };
  for (const s of objects.filter((o) => o.type === 'search')) {
    const source = JSON.parse((s.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string }).searchSourceJSON) as {
      indexRefName: string;
      query: { query: string };
    };
    const viewId = s.references.find((r) => r.name === source.indexRefName)?.id ?? '';
    for (const c of s.attributes.columns as string[]) use(viewId, c, 'any', `search ${s.id} column`);
    for (const [f] of s.attributes.sort as Array<[string, string]>) use(viewId, f, 'sortable', `search ${s.id} sort`);
    for (const f of kqlFields(source.query.query)) use(viewId, f, 'searchable', `search ${s.id} query`);
  }
  for (const d of objects.filter((o) => o.type === 'dashboard')) {
    for (const p of JSON.parse(d.attributes.panelsJSON as string) as Array<Record<string, unknown>>) {
      if (p.type !== 'lens') continue;
      const where = `dashboard ${d.id} panel ${String(p.panelIndex)}`;
      const attrs = (p.embeddableConfig as { attributes: { state: Record<string, unknown> } }).attributes;
      const state = attrs.state as {
        query: { query: string };
        datasourceStates: {
          formBased: { layers: Record<string, { columns: Record<string, { operationType: string; sourceField?: string }> }> };
        };
      };
      for (const [layerId, layer] of Object.entries(state.datasourceStates.formBased.layers)) {
        const viewId = d.references.find((r) => r.name === `${String(p.panelIndex)}:indexpattern-datasource-layer-${layerId}`)?.id ?? '';
        for (const c of Object.values(layer.columns)) {
          if (c.sourceField === undefined || c.sourceField === '___records___') continue;
          use(viewId, c.sourceField, LENS_NEEDS[c.operationType] ?? 'any', `${where} ${c.operationType}`);
        }
        for (const f of kqlFields(state.query.query)) use(viewId, f, 'searchable', `${where} query`);
      }
    }
  }
  return problems;
}
