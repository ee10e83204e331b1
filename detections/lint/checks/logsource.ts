/** The logsource block: present, saying what events it is about, with the keys Sigma defines. */
import { at, keyNode, present, text, val } from '../document.js';
import type { DocCheck } from '../model.js';

const KEYS = new Set(['category', 'product', 'service', 'definition']);

export const logsourceMissing: DocCheck = {
  id: 'logsource-missing',
  severity: 'error',
  group: 'convention',
  description: "a rule or filter has no 'logsource' map",
  run(doc, emit) {
    if (doc.kind === 'correlation') return;
    const node = val(doc.root, 'logsource');
    if (!present(node) || node.kind !== 'map') emit(at(doc.root, 'logsource'), "the rule has no 'logsource' map");
  },
};

export const logsourceProductOrCategory: DocCheck = {
  id: 'logsource-no-product-or-category',
  severity: 'warning',
  group: 'convention',
  description: "the logsource names neither 'product' nor 'category'",
  run(doc, emit) {
    const node = val(doc.root, 'logsource');
    if (node?.kind === 'map' && !present(val(node, 'product')) && !present(val(node, 'category')))
      emit(keyNode(doc.root, 'logsource'), "the logsource has neither 'product' nor 'category'");
  },
};

export const logsourceUnknownKey: DocCheck = {
  id: 'logsource-unknown-key',
  severity: 'warning',
  group: 'convention',
  description: 'a logsource key other than category, product, service and definition',
  run(doc, emit) {
    const node = val(doc.root, 'logsource');
    if (node?.kind !== 'map') return;
    for (const pair of node.pairs) {
      const k = text(pair.key);
      if (k !== undefined && !KEYS.has(k)) emit(pair.key, `'logsource.${k}' is not a Sigma logsource key`);
    }
  },
};

export const logsourceCase: DocCheck = {
  id: 'logsource-not-lowercase',
  severity: 'warning',
  group: 'convention',
  description: 'a logsource category, product or service is not lower case',
  run(doc, emit) {
    const node = val(doc.root, 'logsource');
    for (const k of ['category', 'product', 'service']) {
      const v = val(node, k);
      const s = text(v);
      if (s !== undefined && s !== s.toLowerCase()) emit(v, `logsource ${k} '${s}' is not lower case`);
    }
  },
};
