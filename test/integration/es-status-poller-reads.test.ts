/**
 * What the Elasticsearch status poller reads, on the REAL Elasticsearch: only the fields an
 * analyst's edit is seen in, never whole incident documents (an incident carries its triggering
 * event, its rules, notes and enrichments, and the poller runs every few seconds over every
 * pending edit). The response bodies are measured as the client receives them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDIT_SOURCE_FIELDS } from '../../core/event/index.js';
import { EsStatusPoller } from '../../detections/incidents/index.js';
import { ecsMappings, esClient, indexName } from '../../sinks/elasticsearch/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';
import { MemoryPublisher } from '../support/memory-publisher.js';

/** Leaf paths of a JSON object: `{ a: { b: 1 } }` → `a.b`. */
function leaves(v: unknown, prefix = ''): string[] {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return [prefix];
  return Object.entries(v).flatMap(([k, x]) => leaves(x, prefix ? `${prefix}.${k}` : k));
}

describe('the Elasticsearch status poller reads only the fields of an edit', () => {
  const config = testConfig('poll-reads');
  const es = esClient(config.elasticsearch);
  const index = indexName(config.elasticsearch.indexPrefix, 'incidents');
  /** The body size of every search response the client received, and the hits' `_source`s. */
  const responses: Array<{ bytes: number; sources: unknown[] }> = [];
  const BIG = 'x'.repeat(512 * 1024);

  beforeAll(async () => {
    const docs = Array.from({ length: 4 }, (_, i) => {
      const id = `inc-big-${i}`;
      return {
        '@timestamp': '2026-01-01T00:00:00Z',
        incident: {
          id,
          title: `Big ${i}`,
          // Two have an analyst's edit pending; two do not.
          status: i < 2 ? 'closed' : 'open',
          ...(i < 2 ? { status_by: 'carol', status_reason: 'benign' } : {}),
          event: { message: BIG, process: { command_line: BIG } },
          notes: [{ id: `n-${i}`, by: 'ann', at: '2026-01-01T00:01:00Z', text: BIG }],
        },
        vigil: { id, emitted_status: 'open' },
      };
    });
    await es.indices.create({ index, mappings: ecsMappings({ matchOnlyText: false, wildcard: false }) as never });
    const bulk = await es.bulk({ refresh: true, operations: docs.flatMap((d) => [{ index: { _index: index, _id: d.incident.id } }, d]) });
    expect(bulk.errors).toBe(false);
    es.diagnostic.on('response', (_err, result) => {
      if (!result || !String(result.meta.request.params.path).endsWith('/_search')) return;
      const body = result.body as { hits?: { hits?: Array<{ _source?: unknown }> } };
      responses.push({ bytes: JSON.stringify(body).length, sources: (body.hits?.hits ?? []).map((h) => h._source) });
    });
  });

  afterAll(async () => {
    await es.close();
    await cleanupTest(config);
  });

  it('finds the edits of 1.5 MB documents in responses under 2 KB, holding the edit fields alone', async () => {
    const publisher = new MemoryPublisher();
    const poller = new EsStatusPoller({ es, index, publisher, topic: 'status', actionsTopic: 'actions', pageSize: 500 });
    const changes = await poller.pollOnce();
    expect(changes.map((c) => [c.incident_id, c.status, c.by, c.reason]).sort()).toEqual([
      ['inc-big-0', 'closed', 'carol', 'benign'],
      ['inc-big-1', 'closed', 'carol', 'benign'],
    ]);
    expect(responses.length).toBeGreaterThan(0);
    const sources = responses.flatMap((r) => r.sources);
    expect(sources).toHaveLength(2);
    const allowed = new Set(['incident.id', ...EDIT_SOURCE_FIELDS]);
    for (const s of sources) expect(leaves(s).filter((f) => !allowed.has(f))).toEqual([]);
    // Each matching document holds over 1.5 MB of text; the whole answer stays under 2 KB.
    for (const r of responses) expect(r.bytes).toBeLessThan(2048);
  });
});
