/** Ids and names across every document linted together: each must be unique. */
import { text, val } from '../document.js';
import type { SetCheck } from '../model.js';
import { relative } from 'node:path';

function duplicates(key: 'id' | 'name'): SetCheck['runAll'] {
  return (docs, emit) => {
    const first = new Map<string, { file: string; line?: number }>();
    for (const d of docs) {
      const node = val(d.root, key);
      const v = text(node);
      if (v === undefined || v === '') continue;
      const seen = first.get(v);
      if (seen) emit(d, node, `${key} '${v}' is already used by ${relative(process.cwd(), seen.file) || seen.file}:${seen.line ?? 1}`);
      else first.set(v, { file: d.file, line: node?.pos.line });
    }
  };
}

export const idDuplicate: SetCheck = {
  id: 'id-duplicate',
  severity: 'error',
  group: 'convention',
  description: 'two documents share an id',
  runAll: duplicates('id'),
};

export const nameDuplicate: SetCheck = {
  id: 'name-duplicate',
  severity: 'error',
  group: 'convention',
  description: "two documents share a 'name'",
  runAll: duplicates('name'),
};
