import { CORE_MIGRATION_VERSION, type ObjectOptions, type SavedObject } from './types.js';

/** The data views, one per index the Elasticsearch sink writes, by the topic it holds. */
export type DataViewTopic = 'events' | 'alerts' | 'incidents' | 'actions' | 'deadletter';

export function dataViewId(o: ObjectOptions, topic: DataViewTopic): string {
  return `${o.indexPrefix}-${topic}`;
}

type FieldFormat = { id: string; params: Record<string, unknown> };

/** Kibana's colour formatter: a string field matched by regex, a number by range. */
function colours(fieldType: 'string' | 'number', rules: Array<[match: string, background: string]>): FieldFormat {
  return {
    id: 'color',
    params: {
      fieldType,
      colors: rules.map(([match, background]) => ({
        ...(fieldType === 'string' ? { regex: match, range: '-Infinity:Infinity' } : { range: match, regex: '' }),
        text: '#FFFFFF',
        background,
      })),
    },
  };
}

/** Elastic's severity palette, by Sigma level (the incident's `severity` is its highest level). */
const LEVEL_COLOURS: Array<[string, string]> = [
  ['^critical$', '#BD271E'],
  ['^high$', '#E7664C'],
  ['^medium$', '#D6BF57'],
  ['^low$', '#54B399'],
  ['^informational$', '#6092C0'],
];

/** `event.severity` carries each level's Elastic risk score (detections/model/alert.ts LEVEL_SCORE). */
const SCORE_COLOURS: Array<[string, string]> = [
  ['99:Infinity', '#BD271E'],
  ['73:99', '#E7664C'],
  ['47:73', '#D6BF57'],
  ['21:47', '#54B399'],
  ['-Infinity:21', '#6092C0'],
];

const consoleLink: FieldFormat = {
  id: 'url',
  params: { type: 'a', urlTemplate: '{{value}}', labelTemplate: 'Open in the Vigil console', openLinkInCurrentTab: false },
};

/**
 * Minutes from an incident's first alert to its first acknowledgement, written by the incident
 * builder (it stays through closing and reopening; incidents closed unacknowledged have none).
 */
export const MINUTES_TO_ACK = 'incident.minutes_to_acknowledge';
export const MINUTES_TO_RESOLVE = 'incident.minutes_to_resolve';

interface ViewSpec {
  topic: DataViewTopic;
  name: string;
  formats: Record<string, FieldFormat>;
  runtime?: Record<string, unknown>;
}

const VIEWS: ViewSpec[] = [
  { topic: 'events', name: 'Vigil events', formats: {} },
  {
    topic: 'alerts',
    name: 'Vigil alerts',
    formats: { 'event.severity': colours('number', SCORE_COLOURS), 'vigil.alert.level': colours('string', LEVEL_COLOURS) },
  },
  {
    topic: 'incidents',
    name: 'Vigil incidents',
    formats: {
      'incident.severity': colours('string', LEVEL_COLOURS),
      'incident.rule.level': colours('string', LEVEL_COLOURS),
      'vigil.links.console': consoleLink,
    },
  },
  { topic: 'actions', name: 'Vigil actions (audit)', formats: {} },
  { topic: 'deadletter', name: 'Vigil dead letters', formats: {} },
];

export function dataViews(o: ObjectOptions): SavedObject[] {
  return VIEWS.map((v) => ({
    type: 'index-pattern',
    id: dataViewId(o, v.topic),
    attributes: {
      title: `${o.indexPrefix}-${v.topic}`,
      name: v.name,
      timeFieldName: '@timestamp',
      // Kibana reads the fields from the mappings; an empty list makes it ask at first use.
      fields: '[]',
      fieldFormatMap: JSON.stringify(v.formats),
      fieldAttrs: '{}',
      runtimeFieldMap: JSON.stringify(v.runtime ?? {}),
      sourceFilters: '[]',
      typeMeta: '{}',
      // The view is usable before the sink has written its first document.
      allowNoIndex: true,
    },
    references: [],
    coreMigrationVersion: CORE_MIGRATION_VERSION,
    typeMigrationVersion: '8.0.0',
    managed: false,
  }));
}
