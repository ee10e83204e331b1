export { compileRoutes, compileRoute, compileMatch, type CompiledRoute, type CompiledRoutes, type RoutesOptions } from './compile.js';
export { routesField, routeSchema, type RouteConfig } from './schema.js';
export { SinkRouteStats, addCounts, emptyCounts, UNROUTED, type Count, type DropReason, type RouteCounts } from './stats.js';
export { startStatsPublisher, readReduction, SINK_STATS_TOPIC, type StatsRecord } from './stats-topic.js';
