import type { ApiConfig, IncidentsConfig } from '../../core/config/types.js';

/** How the incident builder groups, deduplicates, scores and bounds. Every field has a default. */
export interface IncidentBuilderOptions {
  /**
   * Entity fields (dotted ECS paths) that tie alerts together, in priority order: the first one
   * an alert carries names a new incident (its id and title). Default `host.name`, `user.name`, `source.ip`.
   */
  groupBy?: readonly string[];
  /** Grouping window in ms: the alerts grouped into one incident span less than this. Default 1 h. */
  windowMs?: number;
  /** Suppression period in ms: the same rule on the same entity within it updates the incident it first went to. Default 4 h. 0 disables. */
  suppressionMs?: number;
  /** How far behind the newest alert time the watermark trails, in ms; eviction waits that long for late alerts. Default 5 min. */
  latenessMs?: number;
  /** Incidents kept in memory (open, acknowledged, or closed within suppression); past it the least recently updated is evicted. Default 10000. */
  maxIncidents?: number;
  /** Risk weight per rule id or rule name; rules not listed weigh their level's score (low 21, medium 47, high 73, critical 99). Default none. */
  weights?: Readonly<Record<string, number>>;
  /** Alert ids listed in `incident.alerts`. Default 100. */
  maxAlertIds?: number;
  /** Entity values one incident indexes (for grouping, suppression and risk). Default 100. */
  maxEntities?: number;
  /** Distinct rules listed per incident. Default 50. */
  maxRules?: number;
  /** Hosts, users and IPs each listed in `incident.entities`, and tags/techniques/tactics kept. Default 50. */
  maxListed?: number;
  /** Base URL of the responder console (`api.publicUrl`): documents link to `<it>/console/#/incidents/<id>` in `vigil.links.console`. Default none (no link). */
  consoleUrl?: string;
}

export type ResolvedIncidentOptions = Required<IncidentBuilderOptions>;

export const DEFAULT_GROUP_BY: readonly string[] = ['host.name', 'user.name', 'source.ip'];

export const INCIDENT_DEFAULTS: ResolvedIncidentOptions = {
  groupBy: DEFAULT_GROUP_BY,
  windowMs: 3_600_000,
  suppressionMs: 4 * 3_600_000,
  latenessMs: 300_000,
  maxIncidents: 10_000,
  weights: {},
  maxAlertIds: 100,
  maxEntities: 100,
  maxRules: 50,
  maxListed: 50,
  consoleUrl: '',
};

export function resolveIncidentOptions(o: IncidentBuilderOptions = {}): ResolvedIncidentOptions {
  const out = { ...INCIDENT_DEFAULTS } as Record<string, unknown>;
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  const r = out as unknown as ResolvedIncidentOptions;
  return { ...r, groupBy: r.groupBy.length > 0 ? [...r.groupBy] : DEFAULT_GROUP_BY, weights: { ...r.weights } };
}

/** Builder options from `detections.incidents` of vigil.yaml (absent: the defaults). */
export function incidentOptionsFromConfig(c: IncidentsConfig | undefined): IncidentBuilderOptions {
  if (!c) return {};
  return {
    groupBy: c.groupBy,
    windowMs: c.windowSeconds * 1000,
    suppressionMs: c.suppressionSeconds * 1000,
    latenessMs: c.allowedLatenessSeconds * 1000,
    maxIncidents: c.maxIncidents,
    weights: c.weights,
  };
}

/**
 * Where the responder console is reached, for links in incident documents: `api.publicUrl`,
 * else the API's own address when it listens on a concrete host; none when the API is off.
 */
export function consoleBaseUrl(api: ApiConfig | undefined): string {
  if (api?.publicUrl) return api.publicUrl;
  if (!api?.enabled || ['0.0.0.0', '::', '[::]'].includes(api.host) || api.port === 0) return '';
  const host = api.host.includes(':') && !api.host.startsWith('[') ? `[${api.host}]` : api.host;
  return `${api.tls ? 'https' : 'http'}://${host}:${api.port}`;
}
