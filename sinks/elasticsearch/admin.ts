import type { Client } from '@elastic/elasticsearch';

/**
 * Deletes the indices a wildcard pattern names. Elasticsearch 8 refuses wildcard deletes
 * (`action.destructive_requires_name`), so the names are resolved first.
 */
export async function deleteIndicesMatching(es: Client, pattern: string): Promise<string[]> {
  const found = await es.indices.get({ index: pattern, ignore_unavailable: true, allow_no_indices: true, expand_wildcards: 'all' });
  const names = Object.keys(found);
  if (names.length > 0) await es.indices.delete({ index: names.join(','), ignore_unavailable: true });
  return names;
}

/**
 * Indexes documents by id in bulk requests of `batch` (a tool's write, not the sink's: no
 * per-item retry). Throws with the first item error, naming the index and the document.
 */
export async function indexDocuments(
  es: Client,
  index: string,
  docs: ReadonlyArray<{ id: string; doc: object }>,
  batch = 1000,
): Promise<void> {
  for (let i = 0; i < docs.length; i += batch) {
    const operations = docs.slice(i, i + batch).flatMap(({ id, doc }) => [{ index: { _index: index, _id: id } }, doc]);
    const res = await es.bulk({ operations });
    if (!res.errors) continue;
    const failed = res.items.find((it) => it.index?.error);
    const err = failed?.index?.error;
    throw new Error(`indexing into ${index} failed for document ${failed?.index?._id}: ${err?.type}: ${err?.reason}`);
  }
}
