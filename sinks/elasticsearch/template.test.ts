import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../core/errors/index.js';
import { resolveSinkConfig, type ElasticsearchSinkOptions } from './config.js';
import { ecsMappings, FULL_CAPABILITIES, ilmPolicy, indexTemplates } from './template.js';

const es = { node: 'http://127.0.0.1:9200', indexPrefix: 'pfx' };
const sink = (over: Partial<ElasticsearchSinkOptions> = {}): ElasticsearchSinkOptions => ({
  id: 'es',
  type: 'elasticsearch',
  topics: ['events', 'alerts', 'incidents', 'actions'],
  batchSize: 500,
  maxRetries: 8,
  ...over,
});

/** Follows `properties` down a dotted path. */
function field(mappings: Record<string, unknown>, path: string): Record<string, unknown> {
  let cur: Record<string, unknown> = mappings;
  for (const p of path.split('.')) {
    cur = (cur.properties as Record<string, Record<string, unknown>>)[p] as Record<string, unknown>;
    if (!cur) throw new Error(`no mapping for ${path}`);
  }
  return cur;
}

describe('ECS mappings', () => {
  const m = ecsMappings(FULL_CAPABILITIES);
  const types: Array<[string, string]> = [
    ['@timestamp', 'date'],
    ['message', 'match_only_text'],
    ['event.kind', 'keyword'],
    ['event.category', 'keyword'],
    ['event.action', 'keyword'],
    ['event.outcome', 'keyword'],
    ['event.severity', 'long'],
    ['event.original', 'keyword'],
    ['source.ip', 'ip'],
    ['source.port', 'long'],
    ['destination.ip', 'ip'],
    ['destination.port', 'long'],
    ['host.ip', 'ip'],
    ['host.name', 'keyword'],
    ['related.ip', 'ip'],
    ['user.name', 'keyword'],
    ['user.target.name', 'keyword'],
    ['process.name', 'keyword'],
    ['process.executable', 'keyword'],
    ['process.pid', 'long'],
    ['process.command_line', 'wildcard'],
    ['rule.id', 'keyword'],
    ['rule.name', 'keyword'],
    ['threat.technique.id', 'keyword'],
    ['threat.tactic.name', 'keyword'],
    ['vigil.id', 'keyword'],
    ['vigil.input', 'keyword'],
    ['vigil.received_at', 'date'],
    ['incident.id', 'keyword'],
  ];
  it.each(types)('%s is %s', (path, type) => {
    expect(field(m, path).type).toBe(type);
  });
  it('event.original is stored but neither indexed nor in doc values', () => {
    expect(field(m, 'event.original')).toEqual({ type: 'keyword', index: false, doc_values: false });
  });
  it('maps other strings to keyword and does not guess dates', () => {
    expect(m.dynamic_templates).toEqual([
      { strings_as_keyword: { match_mapping_type: 'string', mapping: { type: 'keyword', ignore_above: 1024 } } },
    ]);
    expect(m.date_detection).toBe(false);
  });
  it('falls back to text and keyword on a minimal cluster', () => {
    const min = ecsMappings({ matchOnlyText: false, wildcard: false });
    expect(field(min, 'message').type).toBe('text');
    expect(field(min, 'process.command_line')).toEqual({ type: 'keyword', ignore_above: 8191, fields: { text: { type: 'text' } } });
    expect(JSON.stringify(min)).not.toMatch(/match_only_text|wildcard/);
  });
});

describe('index templates', () => {
  it('gives overlapping prefixes different priorities (ES refuses overlaps at one priority)', () => {
    const priority = (indexPrefix: string) =>
      indexTemplates(resolveSinkConfig(sink(), { ...es, indexPrefix }), FULL_CAPABILITIES)[0]?.body.priority;
    expect(priority('vigil')).toBe(210);
    expect(priority('vigil-demo')).toBe(220);
    expect(priority('vigil-demo')).toBeGreaterThan(priority('vigil') as number);
  });

  it('one composable template over <prefix>-* by default, and one for the dead letters', () => {
    const t = indexTemplates(resolveSinkConfig(sink(), es), FULL_CAPABILITIES);
    expect(t.map((x) => x.name)).toEqual(['pfx', 'pfx-deadletter']);
    expect(t[1]?.body).toMatchObject({ index_patterns: ['pfx-deadletter*'], priority: 208 });
    expect(t[1]?.body.data_stream).toBeUndefined();
    expect(t[0]?.name).toBe('pfx');
    expect(t[0]?.body).toMatchObject({
      index_patterns: ['pfx-*'],
      priority: 206,
      template: { settings: { number_of_shards: 1, number_of_replicas: 1 } },
      _meta: { managed_by: 'vigil' },
    });
    expect(t[0]?.body.data_stream).toBeUndefined();
    expect(JSON.stringify(t)).not.toMatch(/lifecycle/);
  });
  it('with data streams, events/alerts/actions become streams at a higher priority; incidents stay an index', () => {
    const t = indexTemplates(resolveSinkConfig(sink({ dataStream: true, templatePriority: 300 }), es), FULL_CAPABILITIES);
    expect(t.map((x) => x.name)).toEqual(['pfx', 'pfx-ds', 'pfx-deadletter']);
    expect(t[1]?.body).toMatchObject({ index_patterns: ['pfx-events*', 'pfx-alerts*', 'pfx-actions*'], priority: 301, data_stream: {} });
    expect(t[2]?.body).toMatchObject({ index_patterns: ['pfx-deadletter*'], priority: 302, data_stream: {} });
    expect(t[0]?.body.data_stream).toBeUndefined();
    expect(JSON.stringify(t[1]?.body.index_patterns)).not.toMatch(/incidents/);
  });
  it('elasticSecurity adds a template over the exact logs-vigil.* names of its namespace, above Elastic’s own logs template', () => {
    const t = indexTemplates(resolveSinkConfig(sink({ elasticSecurity: { namespace: 'prod' } }), es), FULL_CAPABILITIES);
    expect(t.map((x) => x.name)).toEqual(['pfx', 'pfx-deadletter', 'pfx-security-prod']);
    expect(t[2]?.body).toMatchObject({ index_patterns: ['logs-vigil.events-prod', 'logs-vigil.alerts-prod'], priority: 209 });
    expect(t[2]?.body.priority).toBeGreaterThan(100);
    expect(t[2]?.body.template.mappings).toEqual(t[0]?.body.template.mappings);
  });
  it('ILM names the policy in the data-stream template only', () => {
    const cfg = resolveSinkConfig(sink({ dataStream: true, ilm: { policy: 'vigil-30d' } }), es);
    const t = indexTemplates(cfg, FULL_CAPABILITIES);
    expect(t[1]?.body.template.settings['index.lifecycle.name']).toBe('vigil-30d');
    expect(t[0]?.body.template.settings['index.lifecycle.name']).toBeUndefined();
  });
  it('builds an ILM policy only when asked to manage one', () => {
    expect(ilmPolicy({ policy: 'p' })).toBeNull();
    expect(ilmPolicy({ policy: 'p', create: { deleteAfter: '30d' } })).toEqual({
      phases: {
        hot: { actions: { rollover: { max_age: '1d', max_primary_shard_size: '50gb' } } },
        delete: { min_age: '30d', actions: { delete: {} } },
      },
    });
  });
});

describe('resolveSinkConfig', () => {
  it('applies defaults', () => {
    const c = resolveSinkConfig({ id: 'es', type: 'elasticsearch' } as ElasticsearchSinkOptions, { node: 'http://x', indexPrefix: '' });
    expect(c).toMatchObject({
      topics: ['events', 'alerts', 'incidents', 'actions', 'deadletter'],
      batchSize: 2000,
      maxRetries: 8,
      indexPrefix: 'vigil',
      dataStream: false,
      securityNamespace: undefined,
    });
  });
  it('refuses a namespace Elastic’s naming scheme cannot hold', () => {
    expect(() => resolveSinkConfig(sink({ elasticSecurity: { namespace: 'prod-eu' } }), es)).toThrow(
      /elasticSecurity\.namespace: "prod-eu" is not a data stream namespace/,
    );
  });
  it('reports every problem at once with SINK_CONFIG', () => {
    try {
      resolveSinkConfig(sink({ batchSize: 0, maxRetries: -1, ilm: { policy: 'p' } }), { ...es, indexPrefix: 'Bad*Prefix' });
      expect.unreachable();
    } catch (err) {
      expect(isVigilError(err, 'SINK_CONFIG')).toBe(true);
      const msg = (err as Error).message;
      for (const part of ['indexPrefix', 'batchSize', 'maxRetries', 'requires dataStream']) expect(msg).toContain(part);
    }
  });
});
