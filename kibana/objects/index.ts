import { dashboards } from './dashboards.js';
import { dataViews } from './data-views.js';
import { incidentTriageSearch } from './searches.js';
import type { ObjectOptions, SavedObject } from './types.js';

export { dataViewId, MINUTES_TO_ACK, type DataViewTopic } from './data-views.js';
export { dashboardIds } from './dashboards.js';
export { triageSearchId } from './searches.js';
export type { ObjectOptions, SavedObject, SavedObjectReference } from './types.js';

export const DEFAULT_OBJECT_OPTIONS: ObjectOptions = { indexPrefix: 'vigil' };

/** Every saved object Vigil ships, referenced objects before those that reference them. */
export function vigilSavedObjects(o: ObjectOptions = DEFAULT_OBJECT_OPTIONS): SavedObject[] {
  return [...dataViews(o), incidentTriageSearch(o), ...dashboards(o)];
}

/** The NDJSON of an export file: one object per line, keys in a stable order. */
export function toNdjson(objects: readonly SavedObject[]): string {
  return objects.map((o) => JSON.stringify(o)).join('\n') + '\n';
}
