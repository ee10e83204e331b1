import type { Client } from '@elastic/elasticsearch';

interface IncidentDoc {
  incident: { id: string; status: string };
  vigil?: { emitted_status?: string };
}

/**
 * The analyst's part of the demo: acknowledges every incident in Elasticsearch, as one would in
 * Kibana (an update of `incident.status`), then waits until Vigil has taken each in: the
 * incident builder's next version carries the status (`vigil.emitted_status` agrees). Resolves
 * to the incidents acknowledged that way.
 */
export async function acknowledgeInKibana(es: Client, index: string, timeoutMs: number): Promise<string[]> {
  await es.indices.refresh({ index });
  const found = await es.search<IncidentDoc>({ index, size: 100, query: { term: { 'incident.status': 'open' } } });
  const ids = found.hits.hits.map((h) => h._id).filter((id): id is string => typeof id === 'string');
  for (const id of ids) {
    await es.update({
      index,
      id,
      doc: { incident: { status: 'acknowledged', status_by: 'demo-analyst', status_reason: 'looked at it in the demo' } },
      // The sink may write a new version of the incident at the same moment: then re-read and re-apply.
      retry_on_conflict: 5,
    });
  }
  const deadline = Date.now() + timeoutMs;
  const taken = new Set<string>();
  while (taken.size < ids.length && Date.now() < deadline) {
    for (const id of ids) {
      if (taken.has(id)) continue;
      const doc = await es.get<IncidentDoc>({ index, id });
      if (doc._source?.vigil?.emitted_status === 'acknowledged') taken.add(id);
    }
    if (taken.size < ids.length) await new Promise((r) => setTimeout(r, 500));
  }
  return [...taken];
}
