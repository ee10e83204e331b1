/**
 * A Kibana saved object as the export and import APIs carry it: one NDJSON line each. Nested
 * state (`fieldFormatMap`, `panelsJSON`, `searchSourceJSON`) is a JSON string inside the
 * attributes, as Kibana stores it.
 */
export interface SavedObjectReference {
  name: string;
  type: string;
  id: string;
}

export interface SavedObject {
  type: 'index-pattern' | 'search' | 'dashboard';
  id: string;
  attributes: Record<string, unknown>;
  references: SavedObjectReference[];
  /** The Kibana version whose migrations produced this shape; Kibana refuses newer ones and migrates older ones. */
  coreMigrationVersion: string;
  typeMigrationVersion: string;
  managed: boolean;
}

/** Where the Elasticsearch sink writes (sinks/elasticsearch/config.ts `indexName`). */
export interface ObjectOptions {
  /** `elasticsearch.indexPrefix`. Default `vigil`. */
  indexPrefix: string;
}

/** The shape Kibana 8.9 exports: the oldest version these objects can be imported into. */
export const CORE_MIGRATION_VERSION = '8.8.0';

/**
 * The version stamped on each dashboard panel: Kibana runs an embedded visualization's migrations
 * from its panel's version on, so a panel without one would be migrated from the start again.
 */
export const PANEL_VERSION = '8.9.0';
