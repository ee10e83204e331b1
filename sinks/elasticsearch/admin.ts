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
