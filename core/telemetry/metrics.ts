import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process; `/metrics` serves it. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'vigil_process_' });

/**
 * The component counters every stage reports with the same labels
 * (component kind and id), as Vector's component specification asks.
 */
export const metrics = {
  received: new Counter({
    name: 'vigil_component_received_events_total',
    help: 'Events received by a component',
    labelNames: ['kind', 'id'] as const,
    registers: [registry],
  }),
  sent: new Counter({
    name: 'vigil_component_sent_events_total',
    help: 'Events a component delivered downstream',
    labelNames: ['kind', 'id'] as const,
    registers: [registry],
  }),
  dropped: new Counter({
    name: 'vigil_component_dropped_events_total',
    help: 'Events a component dropped on purpose (filters, UDP overflow), by reason',
    labelNames: ['kind', 'id', 'reason'] as const,
    registers: [registry],
  }),
  errors: new Counter({
    name: 'vigil_component_errors_total',
    help: 'Errors in a component, by error code',
    labelNames: ['kind', 'id', 'code'] as const,
    registers: [registry],
  }),
  connectionsClosed: new Counter({
    name: 'vigil_input_connections_closed_total',
    help: 'Connections a network input closed to protect itself, by reason (max_connections, max_connections_per_peer, idle_timeout, handshake_timeout)',
    labelNames: ['kind', 'id', 'reason'] as const,
    registers: [registry],
  }),
  requestsRefused: new Counter({
    name: 'vigil_input_requests_refused_total',
    help: 'HTTP requests a network input refused with 503 to protect itself, by reason (byte_budget)',
    labelNames: ['kind', 'id', 'reason'] as const,
    registers: [registry],
  }),
  addressRefusals: new Counter({
    name: 'vigil_playbook_address_refusals_total',
    help: 'Connections playbook actions refused because the address is not public and not allowed, by class (loopback, private, link-local, cgnat, unspecified, multicast, reserved, metadata)',
    labelNames: ['class'] as const,
    registers: [registry],
  }),
  ruleErrors: new Counter({
    name: 'vigil_rule_errors_total',
    help: 'Events a detection rule threw on while matching (the rule was skipped for them, they were dead-lettered), by rule id',
    labelNames: ['rule'] as const,
    registers: [registry],
  }),
  routeEvents: new Counter({
    name: 'vigil_route_events_total',
    help: "Records through a sink's route: outcome in (taken by the route), out (handed to the sink) or dropped (with the reason: unrouted, sampled, duplicate, aggregated)",
    labelNames: ['sink', 'route', 'outcome', 'reason'] as const,
    registers: [registry],
  }),
  routeBytes: new Counter({
    name: 'vigil_route_bytes_total',
    help: "Bytes (JSON) through a sink's route, with the labels of vigil_route_events_total",
    labelNames: ['sink', 'route', 'outcome', 'reason'] as const,
    registers: [registry],
  }),
  deadLettered: new Counter({
    name: 'vigil_deadletter_records_total',
    help: 'Records written to the dead-letter topic, by stage and error code',
    labelNames: ['stage', 'code'] as const,
    registers: [registry],
  }),
  unmappedIds: new Counter({
    name: 'vigil_normalize_unmapped_total',
    help: 'Events whose vendor message or event id the normalizer does not map yet (normalized with the common fields only), by vendor and id',
    labelNames: ['vendor', 'id'] as const,
    registers: [registry],
  }),
  userAgentUnparsed: new Counter({
    name: 'vigil_normalize_user_agent_unparsed_total',
    help: 'Unseen user agents left unparsed (user_agent.original only) because the parse budget of the second was spent',
    registers: [registry],
  }),
  latency: new Histogram({
    name: 'vigil_component_processing_seconds',
    help: 'Time a component spends on one batch',
    labelNames: ['kind', 'id'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  }),
  up: new Gauge({
    name: 'vigil_component_up',
    help: '1 while a component is running',
    labelNames: ['kind', 'id'] as const,
    registers: [registry],
  }),
  intelIndicators: new Gauge({
    name: 'vigil_intel_indicators',
    help: 'Indicators of a threat-intelligence feed in the list in force (the last good fetch), by feed',
    labelNames: ['feed'] as const,
    registers: [registry],
  }),
  intelSkipped: new Gauge({
    name: 'vigil_intel_skipped_entries',
    help: 'Entries of the last fetch of a feed that gave no indicator (unsupported pattern, expired, not a valid value), by feed',
    labelNames: ['feed'] as const,
    registers: [registry],
  }),
  intelLastSuccess: new Gauge({
    name: 'vigil_intel_last_success_timestamp_seconds',
    help: 'When a threat-intelligence feed was last fetched and parsed without error, by feed',
    labelNames: ['feed'] as const,
    registers: [registry],
  }),
  consumerLag: new Gauge({
    name: 'vigil_consumer_lag',
    help: "Records a consumer group has not committed yet on a partition (the partition's end offset minus the group's committed offset), measured every ops.health.lagIntervalMs",
    labelNames: ['group', 'topic', 'partition'] as const,
    registers: [registry],
  }),
};

export type ComponentKind = 'input' | 'detect' | 'incident' | 'playbook' | 'sink' | 'bus' | 'api' | 'intel';
