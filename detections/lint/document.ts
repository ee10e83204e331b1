/**
 * Rule files → located YAML documents (the same `yaml` parser and position machinery the Sigma
 * loader uses), and small readers over their nodes for the checks.
 */
import { LineCounter } from 'yaml';
import { parseYamlDocument } from '../../core/yaml/index.js';
import { splitDocuments } from '../correlation/index.js';
import { yamlProblems, type Problem } from '../sigma/problems.js';
import { fromYamlNode, getKey, isNull, scalarText, type SNode } from '../sigma/source.js';
import type { LintDoc, MapNode } from './model.js';

export interface ReadFile {
  readonly docs: LintDoc[];
  /** YAML that does not parse, or a document that is not a map. */
  readonly problems: Problem[];
}

export function readRuleText(text: string, file: string): ReadFile {
  const docs: LintDoc[] = [];
  const problems: Problem[] = [];
  const parts = splitDocuments(text);
  if (parts.length === 0) problems.push({ message: 'the file holds no rule', at: { path: '', line: 1, column: 1 } });
  parts.forEach((part, index) => {
    const lineCounter = new LineCounter();
    const parsed = parseYamlDocument(part.text, { lineCounter, prettyErrors: false });
    const yamlErrors = yamlProblems(parsed.errors, lineCounter);
    if (yamlErrors.length > 0) {
      problems.push(...yamlErrors);
      return;
    }
    const root = fromYamlNode(parsed.contents, parsed, lineCounter, problems);
    if (root.kind !== 'map') {
      problems.push({
        message: 'a rule must be a YAML map',
        at: { path: '', line: root.pos.line ?? part.line, column: root.pos.column ?? 1 },
      });
      return;
    }
    const kind = getKey(root, 'correlation') ? 'correlation' : getKey(root, 'filter') && !getKey(root, 'detection') ? 'filter' : 'rule';
    docs.push({ file, index, count: parts.length, kind, root, text: part.text });
  });
  return { docs, problems };
}

/** The value under a key of a map node. */
export function val(map: SNode | undefined, key: string): SNode | undefined {
  return map?.kind === 'map' ? getKey(map, key)?.value : undefined;
}

/** The key node itself (for positions of keys whose value is absent or null). */
export function keyNode(map: SNode | undefined, key: string): SNode | undefined {
  return map?.kind === 'map' ? getKey(map, key)?.key : undefined;
}

/** A present, non-null value. */
export const present = (node: SNode | undefined): node is SNode => node !== undefined && !isNull(node);

export const text = (node: SNode | undefined): string | undefined => scalarText(node);

/** The string items of a list node (a scalar counts as a list of one). */
export function items(node: SNode | undefined): SNode[] {
  if (node === undefined || isNull(node)) return [];
  return node.kind === 'seq' ? [...node.items] : [node];
}

/** Where a value is, or its key when the value has no position (an empty `key:`). */
export function at(map: MapNode, key: string): SNode | undefined {
  const pair = getKey(map, key);
  if (!pair) return undefined;
  return pair.value.pos.line !== undefined ? pair.value : pair.key;
}

export { isNull, scalarText, type SNode };
