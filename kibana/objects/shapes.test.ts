import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseNdjson, shapeProblems, type RawObject } from '../../test/support/kibana-objects.js';
import { toNdjson, vigilSavedObjects } from './index.js';

const FILE = new URL('../saved-objects/vigil.ndjson', import.meta.url);
const committed = () => readFileSync(FILE, 'utf8');
const clone = (objects: RawObject[]) => JSON.parse(JSON.stringify(objects)) as RawObject[];

describe('kibana/saved-objects/vigil.ndjson', () => {
  it('is what `vigil kibana export` prints for the default prefix (regenerate it with that command)', () => {
    expect(committed()).toBe(toNdjson(vigilSavedObjects()));
  });

  it('holds the data views, the triage search and the three dashboards, each with a stable id', () => {
    const objects = parseNdjson(committed());
    expect(objects.map((o) => `${o.type}:${o.id}`)).toEqual([
      'index-pattern:vigil-events',
      'index-pattern:vigil-alerts',
      'index-pattern:vigil-incidents',
      'index-pattern:vigil-actions',
      'index-pattern:vigil-deadletter',
      'search:vigil-incident-triage',
      'dashboard:vigil-soc-overview',
      'dashboard:vigil-playbook-activity',
      'dashboard:vigil-ingest-health',
    ]);
  });

  it('round-trips: every line parses and serializes back to itself', () => {
    const lines = committed().trimEnd().split('\n');
    for (const line of lines) expect(JSON.stringify(JSON.parse(line))).toBe(line);
  });

  it('conforms to the shapes Kibana documents: JSON-string attributes parse, references resolve within the set', () => {
    expect(shapeProblems(parseNdjson(committed()))).toEqual([]);
  });

  it('names the data view another prefix writes, in ids and titles, and the set stays consistent', () => {
    const objects = vigilSavedObjects({ indexPrefix: 'soc-a' }) as unknown as RawObject[];
    expect(objects.find((o) => o.id === 'soc-a-incidents')?.attributes.title).toBe('soc-a-incidents');
    expect(JSON.stringify(objects)).not.toMatch(/"vigil-/);
    expect(shapeProblems(objects)).toEqual([]);
  });
});

describe('the shape checks catch what Kibana would refuse', () => {
  const base = () => clone(parseNdjson(committed()));

  it('a dashboard panel whose data view is not in the set', () => {
    const objects = base().filter((o) => o.id !== 'vigil-deadletter');
    expect(shapeProblems(objects)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^dashboard vigil-ingest-health: reference letters:indexpattern-datasource-layer-l1 → index-pattern vigil-deadletter is not in the set$/,
        ),
      ]),
    );
  });

  it('a fieldFormatMap that is an object instead of a JSON string, and panelsJSON that does not parse', () => {
    const objects = base();
    const view = objects.find((o) => o.id === 'vigil-incidents') as RawObject;
    view.attributes.fieldFormatMap = JSON.parse(view.attributes.fieldFormatMap as string) as unknown;
    const dash = objects.find((o) => o.id === 'vigil-soc-overview') as RawObject;
    dash.attributes.panelsJSON = (dash.attributes.panelsJSON as string).slice(0, -1);
    const problems = shapeProblems(objects);
    expect(problems).toContain('index-pattern vigil-incidents fieldFormatMap: not a JSON string');
    expect(problems.some((p) => p.startsWith('dashboard vigil-soc-overview panelsJSON:'))).toBe(true);
  });

  it('a visualization accessor with no column, and a saved search whose indexRefName has no reference', () => {
    const objects = base();
    const dash = objects.find((o) => o.id === 'vigil-soc-overview') as RawObject;
    const panels = JSON.parse(dash.attributes.panelsJSON as string) as Array<{
      embeddableConfig: { attributes: { state: { visualization: { metricAccessor?: string } } } };
    }>;
    const metric = panels.find((p) => p.embeddableConfig.attributes?.state.visualization.metricAccessor);
    metric!.embeddableConfig.attributes.state.visualization.metricAccessor = 'nope';
    dash.attributes.panelsJSON = JSON.stringify(panels);
    const search = objects.find((o) => o.type === 'search') as RawObject;
    search.references = [];
    const problems = shapeProblems(objects);
    expect(problems).toContain('dashboard vigil-soc-overview panel mtta: the visualization uses column nope, which no layer has');
    expect(problems).toContain(
      'search vigil-incident-triage: indexRefName kibanaSavedObjectMeta.searchSourceJSON.index names no index-pattern reference',
    );
  });

  it('a dashboard that embeds a saved search left out of the set', () => {
    const objects = base().filter((o) => o.type !== 'search');
    expect(shapeProblems(objects)).toEqual([
      'dashboard vigil-soc-overview: reference triage:panel_triage → search vigil-incident-triage is not in the set',
    ]);
  });
});
