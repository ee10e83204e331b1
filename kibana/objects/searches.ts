import { dataViewId } from './data-views.js';
import { CORE_MIGRATION_VERSION, type ObjectOptions, type SavedObject } from './types.js';

export const triageSearchId = (o: ObjectOptions) => `${o.indexPrefix}-incident-triage`;

/** The analyst's queue in Discover: open and acknowledged incidents, riskiest first, with a link into the console. */
export function incidentTriageSearch(o: ObjectOptions): SavedObject {
  const searchSource = {
    query: { query: 'incident.status : ("open" or "acknowledged")', language: 'kuery' },
    filter: [],
    indexRefName: 'kibanaSavedObjectMeta.searchSourceJSON.index',
  };
  return {
    type: 'search',
    id: triageSearchId(o),
    attributes: {
      title: 'Vigil incident triage',
      description: 'Open and acknowledged incidents, highest risk first.',
      columns: [
        'incident.severity',
        'incident.status',
        'incident.assignee',
        'incident.title',
        'incident.risk_score',
        'incident.alert_count',
        'incident.entities.hosts',
        'incident.entities.users',
        'incident.rule.name',
        'vigil.links.console',
      ],
      sort: [
        ['incident.risk_score', 'desc'],
        ['@timestamp', 'desc'],
      ],
      grid: {},
      hideChart: false,
      isTextBasedQuery: false,
      kibanaSavedObjectMeta: { searchSourceJSON: JSON.stringify(searchSource) },
    },
    references: [{ name: searchSource.indexRefName, type: 'index-pattern', id: dataViewId(o, 'incidents') }],
    coreMigrationVersion: CORE_MIGRATION_VERSION,
    typeMigrationVersion: '8.0.0',
    managed: false,
  };
}
