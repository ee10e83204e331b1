import { describe, expect, it } from 'vitest';
import { resolveSinkConfig } from '../../sinks/elasticsearch/config.js';
import { FULL_CAPABILITIES, indexTemplates, type FieldCapabilities } from '../../sinks/elasticsearch/template.js';
import { fieldProblems, flattenMappings, templateFor, type RawObject } from '../../test/support/kibana-objects.js';
import { vigilSavedObjects } from './index.js';

const MINIMAL: FieldCapabilities = { matchOnlyText: false, wildcard: false };

/** The templates the Elasticsearch sink installs, as it resolves them from a config. */
function templates(prefix: string, caps: FieldCapabilities, dataStream = false) {
  const cfg = resolveSinkConfig({ type: 'elasticsearch', id: 'es', topics: [], batchSize: 500, maxRetries: 8, dataStream }, {
    node: 'http://127.0.0.1:9200',
    indexPrefix: prefix,
  } as never);
  return indexTemplates(cfg, caps);
}

const objects = (prefix = 'vigil') => vigilSavedObjects({ indexPrefix: prefix }) as unknown as RawObject[];

describe('every field a saved object reads is mapped by the sink templates, with a type that serves the use', () => {
  it.each([
    ['a default distribution', FULL_CAPABILITIES, false],
    ['the minimal build (no match_only_text, no wildcard)', MINIMAL, false],
    ['data streams', FULL_CAPABILITIES, true],
  ] as const)('%s', (_, caps, dataStream) => {
    expect(fieldProblems(objects(), templates('vigil', caps, dataStream))).toEqual([]);
  });

  it('for another index prefix too', () => {
    expect(fieldProblems(objects('soc-a'), templates('soc-a', FULL_CAPABILITIES))).toEqual([]);
  });

  it('reads the dead-letter view through the dead-letter template, and the others through the ECS one', () => {
    const ts = templates('vigil', FULL_CAPABILITIES);
    expect(templateFor(ts, 'vigil-deadletter')?.name).toBe('vigil-deadletter');
    expect(templateFor(ts, 'vigil-incidents')?.name).toBe('vigil');
    expect(flattenMappings(templateFor(ts, 'vigil-deadletter')!.body.template.mappings).get('code')?.type).toBe('keyword');
  });

  it('the time-to-acknowledge and time-to-resolve panels (mean and median) read a number the builder writes, not a runtime field', () => {
    const ts = templates('vigil', MINIMAL);
    const mapped = flattenMappings(templateFor(ts, 'vigil-incidents')!.body.template.mappings);
    expect(mapped.get('incident.minutes_to_acknowledge')?.type).toBe('float');
    expect(mapped.get('incident.acknowledged_at')?.type).toBe('date');
    const set = objects();
    const view = set.find((o) => o.id === 'vigil-incidents')!;
    expect(JSON.parse(view.attributes.runtimeFieldMap as string)).toEqual({});
    const panels = JSON.parse(set.find((o) => o.id === 'vigil-soc-overview')!.attributes.panelsJSON as string) as Array<{
      panelIndex: string;
      embeddableConfig: {
        attributes: { state: { datasourceStates: { formBased: { layers: Record<string, { columns: Record<string, unknown> }> } } } };
      };
    }>;
    const columns = (id: string) =>
      Object.values(panels.find((p) => p.panelIndex === id)!.embeddableConfig.attributes.state.datasourceStates.formBased.layers).flatMap(
        (l) => Object.values(l.columns),
      );
    expect(columns('mtta')).toEqual([
      expect.objectContaining({ operationType: 'average', sourceField: 'incident.minutes_to_acknowledge' }),
    ]);
    expect(columns('mtta-median')).toEqual([
      expect.objectContaining({ operationType: 'median', sourceField: 'incident.minutes_to_acknowledge' }),
    ]);
    expect(mapped.get('incident.minutes_to_resolve')?.type).toBe('float');
    expect(columns('mttr')).toEqual([expect.objectContaining({ operationType: 'average', sourceField: 'incident.minutes_to_resolve' })]);
    expect(columns('mttr-median')).toEqual([
      expect.objectContaining({ operationType: 'median', sourceField: 'incident.minutes_to_resolve' }),
    ]);
  });
});

describe('the field check fails where Kibana would show an error or an empty panel', () => {
  const ts = templates('vigil', FULL_CAPABILITIES);

  it('a column on a field no template maps, and a terms split on a text field', () => {
    const set = objects();
    const dash = set.find((o) => o.id === 'vigil-soc-overview')!;
    dash.attributes.panelsJSON = (dash.attributes.panelsJSON as string)
      .replace('"sourceField":"incident.rule.name"', '"sourceField":"incident.rule.nickname"')
      .replace('"sourceField":"incident.entities.hosts"', '"sourceField":"message"');
    expect(fieldProblems(set, ts)).toEqual([
      'dashboard vigil-soc-overview panel rules terms: incident.rule.nickname is not mapped for vigil-incidents',
      'dashboard vigil-soc-overview panel hosts terms: message is match_only_text for vigil-incidents, not aggregatable',
    ]);
  });

  it('a colour format on a number-as-string mismatch, a sort on an unindexed field, a runtime field reading an unmapped field', () => {
    const set = objects();
    const view = set.find((o) => o.id === 'vigil-incidents')!;
    const formats = JSON.parse(view.attributes.fieldFormatMap as string) as Record<string, unknown>;
    formats['incident.risk_score'] = formats['incident.severity'];
    view.attributes.fieldFormatMap = JSON.stringify(formats);
    view.attributes.runtimeFieldMap = JSON.stringify({
      'incident.hours_open': {
        type: 'double',
        script: { source: "emit(doc['incident.opened'].value.toInstant().toEpochMilli() / 3.6e6)" },
      },
    });
    const search = set.find((o) => o.type === 'search')!;
    search.attributes.sort = [['event.original', 'desc']];
    const problems = fieldProblems(set, ts);
    expect(problems).toContain('index-pattern vigil-incidents (vigil-incidents): color format of incident.risk_score is float, not string');
    expect(problems).toContain(
      'index-pattern vigil-incidents: runtime field incident.hours_open reads incident.opened, which is not mapped',
    );
    expect(problems).toContain('search vigil-incident-triage sort: event.original is keyword for vigil-incidents, not sortable');
  });

  it('a data view over an index no Vigil template covers', () => {
    const set = objects();
    set.find((o) => o.id === 'vigil-events')!.attributes.title = 'filebeat-*';
    expect(fieldProblems(set, ts)).toContain('index-pattern vigil-events: no Vigil template matches filebeat-*');
  });
});
