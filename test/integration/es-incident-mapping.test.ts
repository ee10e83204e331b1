/**
 * An incidents index made by an older Vigil gets the incident fields added since, when the sink
 * starts: index templates apply only to new indices, and `<prefix>-incidents` is one plain index
 * that lives on, so without this `minutes_to_resolve` would be mapped by guess (a `long` for
 * `35`, which truncates `35.5` in the figures `/api/incidents/metrics` computes).
 */
import { randomBytes } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { afterAll, describe, expect, it } from 'vitest';
import { logger } from '../../core/telemetry/index.js';
import { installTemplates, probeCapabilities, resolveSinkConfig } from '../../sinks/elasticsearch/index.js';

const ES_URL = process.env.VIGIL_ES_URL ?? 'http://127.0.0.1:9200';
const client = new Client({ node: ES_URL });
const prefixes: string[] = [];

afterAll(async () => {
  for (const p of prefixes) {
    await client.indices.delete({ index: `${p}-*`, ignore_unavailable: true }).catch(() => undefined);
    await client.indices.deleteIndexTemplate({ name: `${p}*` }).catch(() => undefined);
  }
  await client.close();
});

async function install(prefix: string) {
  const cfg = resolveSinkConfig(
    { id: 'mapping', type: 'elasticsearch', topics: ['incidents'], batchSize: 100, maxRetries: 1 },
    { node: ES_URL, indexPrefix: prefix },
  );
  const log = logger('test').child({}, { level: 'silent' });
  await installTemplates(client, cfg, await probeCapabilities(client, log), log);
}

async function incidentFields(index: string): Promise<Record<string, unknown>> {
  const m = await client.indices.getMapping({ index });
  const incident = (m[index]?.mappings.properties?.incident as { properties?: Record<string, { type?: string }> }) ?? {};
  return Object.fromEntries(Object.entries(incident.properties ?? {}).map(([k, v]) => [k, v.type ?? 'object']));
}

describe('the incidents index of an older version', () => {
  it('gets the incident fields added since, typed as the template types them', async () => {
    const prefix = `esmap-${randomBytes(3).toString('hex')}`;
    prefixes.push(prefix);
    const index = `${prefix}-incidents`;
    // As an older Vigil left it: no acknowledgement or resolution fields.
    await client.indices.create({ index, mappings: { properties: { incident: { properties: { id: { type: 'keyword' } } } } } });
    await install(prefix);
    const fields = await incidentFields(index);
    expect(fields).toMatchObject({
      id: 'keyword',
      acknowledged_at: 'date',
      minutes_to_acknowledge: 'float',
      resolved_at: 'date',
      minutes_to_resolve: 'float',
    });
    // And a fractional figure stays fractional in what aggregations read.
    await client.index({ index, id: 'i1', refresh: true, document: { incident: { id: 'i1', minutes_to_resolve: 35.5 } } });
    const r = await client.search({ index, size: 0, aggs: { m: { avg: { field: 'incident.minutes_to_resolve' } } } });
    expect((r.aggregations?.m as { value: number }).value).toBe(35.5);
  });

  it('starts all the same when a field was mapped by guess with another type, leaving it as it is', async () => {
    const prefix = `esmap-${randomBytes(3).toString('hex')}`;
    prefixes.push(prefix);
    const index = `${prefix}-incidents`;
    await client.indices.create({
      index,
      mappings: { properties: { incident: { properties: { minutes_to_resolve: { type: 'long' } } } } },
    });
    await install(prefix);
    const fields = await incidentFields(index);
    // The conflicting field keeps its type (a reindex changes it); the others are added.
    expect(fields).toMatchObject({ minutes_to_resolve: 'long', resolved_at: 'date', acknowledged_at: 'date' });
  });

  it('creates nothing where there is no incidents index yet (the template types a new one)', async () => {
    const prefix = `esmap-${randomBytes(3).toString('hex')}`;
    prefixes.push(prefix);
    await install(prefix);
    expect(await client.indices.exists({ index: `${prefix}-incidents` })).toBe(false);
  });
});
