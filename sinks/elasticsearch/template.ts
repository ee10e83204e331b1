import { INDEXED_TOPICS, SECURITY_TOPICS, indexName, securityIndexName, type IlmOptions, type ResolvedSinkConfig } from './config.js';

/**
 * ECS mappings for the fields Vigil writes, as composable index templates (`_index_template`).
 *
 * Field types that live outside the server core are chosen by probing the cluster (see
 * `sink.ts`): `match_only_text` (module mapper-extras) falls back to `text`, `wildcard`
 * (x-pack plugin wildcard) falls back to `keyword`. The minimal integ-test-zip build has
 * neither; a default distribution has both.
 */
export interface FieldCapabilities {
  matchOnlyText: boolean;
  wildcard: boolean;
}

export const FULL_CAPABILITIES: FieldCapabilities = { matchOnlyText: true, wildcard: true };

type Mapping = Record<string, unknown>;

const keyword: Mapping = { type: 'keyword', ignore_above: 1024 };
const long: Mapping = { type: 'long' };
const ip: Mapping = { type: 'ip' };
const date: Mapping = { type: 'date' };
const float: Mapping = { type: 'float' };
/** Kept for people and replays, never searched. */
const stored: Mapping = { type: 'keyword', index: false, doc_values: false };

function props(fields: Record<string, Mapping>): Mapping {
  return { properties: fields };
}

function keywords(...names: string[]): Record<string, Mapping> {
  return Object.fromEntries(names.map((n) => [n, keyword]));
}

/** The `mappings` of every Vigil index. */
export function ecsMappings(caps: FieldCapabilities): Mapping {
  const text: Mapping = caps.matchOnlyText ? { type: 'match_only_text' } : { type: 'text' };
  // ECS maps command lines as wildcard (fast infix search on long values) with a text multi-field.
  // `keyword` is the fallback; ignore_above keeps long values from failing the document
  // (Lucene refuses terms over 32766 bytes); they are still kept in _source.
  const commandLine: Mapping = caps.wildcard
    ? { type: 'wildcard', fields: { text } }
    : { type: 'keyword', ignore_above: 8191, fields: { text } };
  const endpoint = props({ ip, port: long, address: keyword, domain: keyword, mac: keyword, bytes: long, packets: long });
  const user = { ...keywords('name', 'id', 'domain', 'email', 'full_name'), roles: keyword };
  const threatItem = props(keywords('id', 'name', 'reference'));

  return {
    dynamic: true,
    // Strings that look like dates would otherwise become `date` on first sight and make a later
    // non-date value of the same field fail; known date fields are mapped explicitly instead.
    date_detection: false,
    dynamic_templates: [{ strings_as_keyword: { match_mapping_type: 'string', mapping: keyword } }],
    properties: {
      '@timestamp': date,
      message: text,
      tags: keyword,
      labels: { type: 'object', dynamic: true },
      ecs: props(keywords('version')),
      event: props({
        ...keywords(
          'kind',
          'category',
          'type',
          'outcome',
          'action',
          'code',
          'dataset',
          'module',
          'provider',
          'id',
          'reason',
          'timezone',
          'hash',
        ),
        severity: long,
        risk_score: { type: 'float' },
        duration: long,
        created: date,
        ingested: date,
        start: date,
        end: date,
        // Kept for the analyst and for replays, never searched: ECS maps it unindexed.
        original: { type: 'keyword', index: false, doc_values: false },
      }),
      source: endpoint,
      destination: endpoint,
      client: endpoint,
      server: endpoint,
      host: props({ ...keywords('name', 'hostname', 'id', 'mac', 'type', 'architecture'), ip }),
      related: props({ ip, ...keywords('user', 'hosts', 'hash') }),
      user: props({ ...user, target: props(user), effective: props(user) }),
      process: props({
        ...keywords('name', 'executable', 'working_directory', 'entity_id', 'title'),
        args: keyword,
        pid: long,
        command_line: commandLine,
        parent: props({ ...keywords('name', 'executable', 'entity_id'), pid: long, command_line: commandLine }),
      }),
      log: props({
        level: keyword,
        logger: keyword,
        syslog: props({
          facility: props({ code: long, name: keyword }),
          severity: props({ code: long, name: keyword }),
          priority: long,
          ...keywords('hostname', 'appname', 'procid', 'msgid', 'version'),
          structured_data: { type: 'object', dynamic: true },
        }),
      }),
      observer: props(keywords('vendor', 'product', 'hostname', 'name', 'type', 'version')),
      error: props({ ...keywords('code', 'type', 'id'), message: text }),
      rule: props(keywords('id', 'uuid', 'name', 'description', 'category', 'ruleset', 'reference', 'version', 'author', 'license')),
      threat: props({
        framework: keyword,
        tactic: threatItem,
        technique: props({ ...keywords('id', 'name', 'reference'), subtechnique: threatItem }),
      }),
      vigil: props({
        ...keywords('id', 'input', 'parse_status', 'peer', 'emitted_status'),
        received_at: date,
        // Links into the responder console, rendered as URLs by the Kibana data views (kibana/).
        links: props(keywords('console')),
        playbook: props({ ...keywords('id', 'run_id', 'step', 'action', 'status'), attempt: long, max_attempts: long }),
        alert: props(keywords('level', 'status', 'event_id')),
      }),
      // The fields of detections/incidents/incident.ts that dashboards sort, filter and count on;
      // the rest (the triggering event, entity risks) stays dynamic.
      incident: props({
        ...keywords('id', 'severity', 'status', 'assignee'),
        // Sorted and counted whole; searched by word (the responder API's `q`) through `.text`.
        title: { ...keyword, fields: { text } },
        risk_score: float,
        alert_count: long,
        version: long,
        first_seen: date,
        last_seen: date,
        updated_at: date,
        rule: props(keywords('id', 'name', 'level', 'tags')),
        threat: props(keywords('technique', 'tactic')),
        entities: props(keywords('hosts', 'users', 'ips')),
        group: props({ ...keywords('field', 'value'), window_start: date }),
        status_change: props({ at: date, ...keywords('by', 'reason', 'source') }),
        acknowledged_at: date,
        minutes_to_acknowledge: float,
        resolved_at: date,
        minutes_to_resolve: float,
        // Enrichment results are any vendor's JSON: kept in _source, not mapped, so that one report's
        // hundreds of fields cannot push the index past its field limit or conflict in type.
        enrichments: { type: 'object', enabled: false },
        assignment: props({ at: date, by: keyword }),
      }),
      // Elastic's data stream naming scheme, set on documents written to `logs-vigil.*` names.
      data_stream: props(keywords('type', 'dataset', 'namespace')),
    },
  };
}

/** The `mappings` of the dead-letter index: core/deadletter's document, not ECS. */
export function deadLetterMappings(): Mapping {
  return {
    dynamic: true,
    date_detection: false,
    dynamic_templates: [{ strings_as_keyword: { match_mapping_type: 'string', mapping: keyword } }],
    properties: {
      '@timestamp': date,
      ...keywords('stage', 'component', 'code', 'reason', 'peer'),
      raw: props({ encoding: keyword, data: stored }),
      origin: props({ topic: keyword, partition: long, offset: keyword }),
    },
  };
}

export interface IndexTemplate {
  name: string;
  body: {
    index_patterns: string[];
    priority: number;
    data_stream?: Record<string, never>;
    template: { settings: Record<string, unknown>; mappings: Mapping };
    _meta: Record<string, unknown>;
  };
}

/** Bumped when the mappings change, so that `GET _index_template` shows which Vigil wrote them. */
export const TEMPLATE_VERSION = 2;

/**
 * The templates for one index prefix. Without data streams: one template `<prefix>` over
 * `<prefix>-*`. With data streams: that template still covers `<prefix>-incidents` (a plain
 * index), and a second one of higher priority turns events, alerts and actions into data streams.
 * ES refuses two templates with overlapping patterns and the same priority, hence `priority + 1`;
 * the dead-letter template (`+ 2`) and Elastic Security's names (`+ 3`, over Elastic's own `logs`
 * template at 100) follow.
 */
export function indexTemplates(
  cfg: Pick<ResolvedSinkConfig, 'indexPrefix' | 'dataStream' | 'ilm' | 'templatePriority' | 'shards' | 'replicas' | 'securityNamespace'>,
  caps: FieldCapabilities,
): IndexTemplate[] {
  const all = [...prefixTemplates(cfg, caps), deadLetterTemplate(cfg)];
  if (cfg.securityNamespace !== undefined) all.push(securityTemplate(cfg, caps, cfg.securityNamespace));
  return all;
}

type TemplateOptions = Pick<ResolvedSinkConfig, 'indexPrefix' | 'dataStream' | 'ilm' | 'templatePriority' | 'shards' | 'replicas'>;

const META = { managed_by: 'vigil', vigil_template_version: TEMPLATE_VERSION };

function streamSettings(cfg: TemplateOptions): Record<string, unknown> {
  return {
    number_of_shards: cfg.shards,
    number_of_replicas: cfg.replicas,
    ...(cfg.dataStream && cfg.ilm ? { 'index.lifecycle.name': cfg.ilm.policy } : {}),
  };
}

function deadLetterTemplate(cfg: TemplateOptions): IndexTemplate {
  return {
    name: `${cfg.indexPrefix}-deadletter`,
    body: {
      index_patterns: [`${indexName(cfg.indexPrefix, 'deadletter')}*`],
      priority: cfg.templatePriority + 2,
      ...(cfg.dataStream ? { data_stream: {} } : {}),
      template: { settings: streamSettings(cfg), mappings: deadLetterMappings() },
      _meta: META,
    },
  };
}

/** Exact names, so that sinks with other namespaces never overlap with this one. */
function securityTemplate(cfg: TemplateOptions, caps: FieldCapabilities, namespace: string): IndexTemplate {
  return {
    name: `${cfg.indexPrefix}-security-${namespace}`,
    body: {
      index_patterns: SECURITY_TOPICS.map((t) => securityIndexName(t, namespace)),
      priority: cfg.templatePriority + 3,
      ...(cfg.dataStream ? { data_stream: {} } : {}),
      template: { settings: streamSettings(cfg), mappings: ecsMappings(caps) },
      _meta: META,
    },
  };
}

function prefixTemplates(cfg: TemplateOptions, caps: FieldCapabilities): IndexTemplate[] {
  const settings = { number_of_shards: cfg.shards, number_of_replicas: cfg.replicas };
  const mappings = ecsMappings(caps);
  const meta = META;
  const plain: IndexTemplate = {
    name: cfg.indexPrefix,
    body: { index_patterns: [`${cfg.indexPrefix}-*`], priority: cfg.templatePriority, template: { settings, mappings }, _meta: meta },
  };
  if (!cfg.dataStream) return [plain];
  const streams = INDEXED_TOPICS.filter((t) => t !== 'incidents' && t !== 'deadletter').map((t) => indexName(cfg.indexPrefix, t));
  const dsSettings: Record<string, unknown> = { ...settings, ...(cfg.ilm ? { 'index.lifecycle.name': cfg.ilm.policy } : {}) };
  const ds: IndexTemplate = {
    name: `${cfg.indexPrefix}-ds`,
    body: {
      index_patterns: streams.map((s) => `${s}*`),
      priority: cfg.templatePriority + 1,
      data_stream: {},
      template: { settings: dsSettings, mappings },
      _meta: meta,
    },
  };
  return [plain, ds];
}

/** The body of `PUT _ilm/policy/<name>` when the sink manages the policy. */
export function ilmPolicy(ilm: IlmOptions): { phases: Record<string, unknown> } | null {
  if (!ilm.create) return null;
  const phases: Record<string, unknown> = {
    hot: {
      actions: {
        rollover: {
          max_age: ilm.create.rolloverMaxAge ?? '1d',
          max_primary_shard_size: ilm.create.rolloverMaxPrimaryShardSize ?? '50gb',
        },
      },
    },
  };
  if (ilm.create.deleteAfter) phases.delete = { min_age: ilm.create.deleteAfter, actions: { delete: {} } };
  return { phases };
}
