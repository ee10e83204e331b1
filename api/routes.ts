import { EDL_ROUTES } from './edl-routes.js';
import { INCIDENT_METRICS_ROUTES } from './incident-metrics-routes.js';
import { INCIDENT_ROUTES } from './incident-routes.js';
import { META_ROUTES } from './meta-routes.js';
import type { Route } from './route.js';
import { RUN_ROUTES } from './run-routes.js';

export { RequestInvalid, type ApiDeps, type Route, type RouteContext, type RouteResult } from './route.js';
export { runTimeline } from './run-routes.js';

/** Every route of the API but the document's own (the server adds it, since it lists them all). */
export const ROUTES: readonly Route[] = [...INCIDENT_METRICS_ROUTES, ...INCIDENT_ROUTES, ...RUN_ROUTES, ...META_ROUTES, ...EDL_ROUTES];
