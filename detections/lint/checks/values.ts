/** Values of field entries and keywords: empty lists, duplicates, wildcard-only values, stray whitespace, nested lists. */
import { fieldEntries } from '../detection.js';
import { selections } from '../detection.js';
import type { SNode } from '../document.js';
import type { DocCheck } from '../model.js';

export const valueListEmpty: DocCheck = {
  id: 'value-list-empty',
  severity: 'error',
  group: 'logic',
  description: 'a field with an empty list of values',
  run(doc, emit) {
    for (const e of fieldEntries(doc))
      if (e.node.kind === 'seq' && e.node.items.length === 0)
        emit(e.node, `'${e.key.kind === 'scalar' ? String(e.key.value) : ''}' has no value`);
  },
};

export const valueNotScalar: DocCheck = {
  id: 'value-not-scalar',
  severity: 'error',
  group: 'logic',
  description: 'a value that is a map or a nested list',
  run(doc, emit) {
    for (const e of fieldEntries(doc)) {
      if (e.node.kind === 'map') emit(e.node, 'a value must be a string, number, boolean or null, or a list of them');
      if (e.node.kind === 'seq')
        for (const i of e.node.items) if (i.kind !== 'scalar') emit(i, 'a value must be a string, number, boolean or null');
    }
  },
};

/** Modifiers under which letter case matters: the value is matched as written, or encoded before matching. */
const CASED = ['cased', 're', 'base64', 'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide'];

/** How Sigma compares two values: strings case-insensitively unless cased or regex. */
function valueKey(v: SNode, cased: boolean): string {
  if (v.kind !== 'scalar') return '';
  return typeof v.value === 'string' ? `s:${cased ? v.value : v.value.toLowerCase()}` : `${typeof v.value}:${String(v.value)}`;
}

export const valueDuplicate: DocCheck = {
  id: 'value-duplicate',
  severity: 'warning',
  group: 'logic',
  description: 'the same value twice in one list (strings compared as Sigma compares them: without case)',
  run(doc, emit) {
    const lists: { nodes: readonly SNode[]; cased: boolean }[] = [];
    for (const e of fieldEntries(doc))
      if (e.node.kind === 'seq') lists.push({ nodes: e.node.items, cased: e.modifiers.some((m) => CASED.includes(m)) });
    for (const s of selections(doc)) if (s.kind === 'keywords' && s.node.kind === 'seq') lists.push({ nodes: s.node.items, cased: false });
    for (const { nodes, cased } of lists) {
      const seen = new Set<string>();
      for (const v of nodes) {
        const k = valueKey(v, cased);
        if (k === '') continue;
        if (seen.has(k)) emit(v, `value '${String((v as { value: unknown }).value)}' is listed twice`);
        seen.add(k);
      }
    }
  },
};

export const valueWildcardOnly: DocCheck = {
  id: 'value-wildcard-only',
  severity: 'warning',
  group: 'logic',
  description: "a value made only of wildcards ('*'): it matches any value; say 'exists: true'",
  run(doc, emit) {
    for (const e of fieldEntries(doc)) {
      if (e.modifiers.includes('re') || e.modifiers.includes('exists')) continue;
      for (const v of e.values)
        if (typeof v.value === 'string' && /^[*?]+$/.test(v.value) && v.value.includes('*'))
          emit(v, `'${v.value}' matches any value: use '${e.field ?? ''}|exists: true'`);
    }
  },
};

export const valueWhitespace: DocCheck = {
  id: 'value-whitespace',
  severity: 'warning',
  group: 'logic',
  description: 'an exact-match value with leading or trailing whitespace',
  run(doc, emit) {
    for (const e of fieldEntries(doc)) {
      // Under contains/startswith/endswith a space at an end is how a rule matches a separate word (' -enc ').
      if (e.field === null || e.modifiers.some((m) => ['re', 'contains', 'startswith', 'endswith', 'windash'].includes(m))) continue;
      for (const v of e.values)
        if (typeof v.value === 'string' && v.value.trim() !== '' && v.value !== v.value.trim())
          emit(v, `'${v.value}' has leading or trailing whitespace`);
    }
  },
};

export const fieldNameWhitespace: DocCheck = {
  id: 'field-name-whitespace',
  severity: 'warning',
  group: 'logic',
  description: 'a field name with leading or trailing whitespace',
  run(doc, emit) {
    for (const e of fieldEntries(doc))
      if (e.field !== null && e.field !== e.field.trim()) emit(e.key, `field name '${e.field}' has leading or trailing whitespace`);
  },
};
