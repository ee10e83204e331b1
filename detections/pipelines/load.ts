/**
 * `rules/pipelines/<name>.yml` → `Pipeline`. Every problem is collected with its file and line
 * and thrown together (PIPELINE_INVALID); the logsource mapping a pipeline names is loaded with
 * it and its conditions are compiled once, so a bad condition is reported at load time.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, isSeq, LineCounter, type Document, type Node } from 'yaml';
import { firstYamlErrors, VigilError } from '../../core/errors/index.js';
import { parseYamlDocument } from '../../core/yaml/index.js';
import { compileDetection } from '../sigma/detection.js';
import {
  LOGSOURCE_KEYS,
  type At,
  type LogsourceEntry,
  type LogsourceKey,
  type LogsourceMapping,
  type Pipeline,
  type PipelineSection,
} from './model.js';

/** Where the bundled pipelines live: `rules/pipelines/` of this repository. */
export const PIPELINES_DIR = fileURLToPath(new URL('../../rules/pipelines/', import.meta.url));

/** The pipeline `vigil run` and `vigil hunt` use unless told otherwise. */
export const DEFAULT_PIPELINE = 'ecs';

/** Thrown by `loadPipeline`: every problem, located; `problems` holds them one by one. */
export class PipelineError extends VigilError {
  constructor(readonly problems: readonly VigilError[]) {
    const [first] = problems as [VigilError];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    super('PIPELINE_INVALID', `${first.message}${more}`, { location: first.location });
    this.name = 'PipelineError';
  }
}

/** The pipelines in a folder, by name (file name without `.yml`), skipping the logsource tables they include. */
export function listPipelines(dir = PIPELINES_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => f.replace(/\.ya?ml$/, ''))
    .filter((name) => {
      try {
        const doc = parseYamlDocument(readFileSync(join(dir, `${name}.yml`), 'utf8'));
        return isMap(doc.contents) && doc.has('sections');
      } catch {
        return false;
      }
    })
    .sort();
}

/** A pipeline name (`ecs`, looked up in `dir`) or a path to a pipeline file. */
export function pipelineFile(nameOrPath: string, dir = PIPELINES_DIR): string {
  if (nameOrPath.includes('/') || /\.ya?ml$/.test(nameOrPath)) return resolve(nameOrPath);
  return join(dir, `${nameOrPath}.yml`);
}

const cache = new Map<string, Pipeline>();

/** Loads (once per file) a pipeline by name or path. Throws `PipelineError` with every problem. */
export function loadPipeline(nameOrPath: string = DEFAULT_PIPELINE, dir = PIPELINES_DIR): Pipeline {
  const file = pipelineFile(nameOrPath, dir);
  const hit = cache.get(file);
  if (hit) return hit;
  const problems: VigilError[] = [];
  const pipeline = readPipeline(file, problems);
  if (!pipeline || problems.length > 0) {
    if (problems.length === 0) problems.push(new VigilError('PIPELINE_INVALID', 'the pipeline could not be read', { location: { file } }));
    const known = listPipelines(dir);
    if (!existsSync(file) && known.length > 0 && !nameOrPath.includes('/')) {
      problems[0] = new VigilError('PIPELINE_INVALID', `no pipeline '${nameOrPath}' (known: ${known.join(', ')})`, { location: { file } });
    }
    throw new PipelineError(problems);
  }
  cache.set(file, pipeline);
  return pipeline;
}

/** A YAML document with positions, and helpers to report problems at a node. */
class Source {
  readonly lineCounter = new LineCounter();
  readonly doc: Document | undefined;
  constructor(
    readonly file: string,
    readonly problems: VigilError[],
  ) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
      problems.push(new VigilError('PIPELINE_INVALID', `cannot read: ${reason}`, { cause: err, location: { file } }));
      return;
    }
    const doc = parseYamlDocument(text, { lineCounter: this.lineCounter, prettyErrors: false });
    problems.push(
      ...firstYamlErrors(
        doc.errors,
        this.lineCounter,
        (message, line, column) => new VigilError('PIPELINE_INVALID', `not valid YAML: ${message}`, { location: { file, line, column } }),
      ),
    );
    if (doc.errors.length === 0) this.doc = doc;
  }
  at(node: unknown, path: string): At {
    const offset = (node as Node | undefined)?.range?.[0];
    return { file: this.file, path, ...(offset !== undefined && { line: this.lineCounter.linePos(offset).line }) };
  }
  fail(node: unknown, path: string, message: string): void {
    const at = this.at(node, path);
    this.problems.push(new VigilError('PIPELINE_INVALID', message, { location: { file: at.file, line: at.line, path } }));
  }
}

function mapEntries(node: unknown): [string, Node | null, Node][] {
  if (!isMap(node)) return [];
  return node.items.map((p) => [isScalar(p.key) ? String(p.key.value) : String(p.key), p.value as Node | null, p.key as Node]);
}

function checkKeys(src: Source, node: unknown, path: string, allowed: readonly string[]): void {
  for (const [k, , keyNode] of mapEntries(node)) {
    if (!allowed.includes(k)) src.fail(keyNode, path ? `${path}.${k}` : k, `unknown key '${k}' (expected ${allowed.join(', ')})`);
  }
}

function stringOf(src: Source, node: unknown, path: string, what: string): string | undefined {
  if (isScalar(node) && typeof node.value === 'string' && node.value !== '') return node.value;
  src.fail(node, path, `${what} must be a non-empty string`);
  return undefined;
}

function booleanOf(src: Source, node: unknown, path: string): boolean | undefined {
  if (node === undefined || node === null) return undefined;
  if (isScalar(node) && typeof node.value === 'boolean') return node.value;
  src.fail(node, path, `'${path}' must be true or false`);
  return undefined;
}

/** One path or a list of paths. */
function pathsOf(src: Source, node: unknown, path: string): string[] | undefined {
  if (isSeq(node)) {
    const out = node.items.map((n, i) => stringOf(src, n, `${path}[${i}]`, 'a path'));
    if (out.length === 0) src.fail(node, path, 'an empty list of paths');
    return out.every((x) => x !== undefined) && out.length > 0 ? (out as string[]) : undefined;
  }
  const one = stringOf(src, node, path, 'a path');
  return one === undefined ? undefined : [one];
}

function logsourceOf(src: Source, node: unknown, path: string): LogsourceKey | undefined {
  if (!isMap(node)) {
    src.fail(node, path, `'${path}' must be a map of product, category and/or service`);
    return undefined;
  }
  checkKeys(src, node, path, LOGSOURCE_KEYS);
  const out: { product?: string; category?: string; service?: string } = {};
  for (const [k, v] of mapEntries(node)) {
    if (!(LOGSOURCE_KEYS as readonly string[]).includes(k)) continue;
    const s = stringOf(src, v, `${path}.${k}`, `'${k}'`);
    if (s !== undefined) out[k as 'product'] = s.toLowerCase();
  }
  return out;
}

function readSection(src: Source, node: unknown, path: string): PipelineSection | undefined {
  if (!isMap(node)) {
    src.fail(node, path, 'a section must be a map with logsource and fields');
    return undefined;
  }
  checkKeys(src, node, path, ['logsource', 'fields', 'unmapped', 'original']);
  const lsNode = node.get('logsource', true);
  const logsource = lsNode === undefined ? {} : logsourceOf(src, lsNode, `${path}.logsource`);
  const fields = new Map<string, readonly string[]>();
  const fieldsNode = node.get('fields', true);
  if (fieldsNode !== undefined && fieldsNode !== null && !isMap(fieldsNode))
    src.fail(fieldsNode, `${path}.fields`, "'fields' must map Sigma field names to paths");
  for (const [k, v] of mapEntries(fieldsNode)) {
    const paths = pathsOf(src, v, `${path}.fields.${k}`);
    if (paths) fields.set(k, paths);
  }
  const unmappedNode = node.get('unmapped', true);
  const unmapped = unmappedNode === undefined ? undefined : pathsOf(src, unmappedNode, `${path}.unmapped`);
  for (const p of unmapped ?? []) {
    if (!p.includes('{field}'))
      src.fail(unmappedNode, `${path}.unmapped`, `'${p}' does not use {field}: every unmapped field would read the same path`);
  }
  const originalNode = node.get('original', true);
  const original = originalNode === undefined ? undefined : stringOf(src, originalNode, `${path}.original`, "'original'");
  if (original !== undefined && !original.includes('{field}')) src.fail(originalNode, `${path}.original`, "'original' must use {field}");
  if (!logsource) return undefined;
  return {
    logsource,
    fields,
    ...(unmapped && { unmapped }),
    ...(original !== undefined && { original }),
    at: src.at(node, path),
  };
}

function readPipeline(file: string, problems: VigilError[]): Pipeline | undefined {
  const src = new Source(file, problems);
  const root = src.doc?.contents;
  if (!src.doc) return undefined;
  if (!isMap(root)) {
    src.fail(root, '', 'a pipeline must be a map with name, sections and logsources');
    return undefined;
  }
  checkKeys(src, root, '', ['name', 'description', 'logsources', 'logsource_default', 'keep_dotted', 'unwrap_text', 'sections']);
  const name = stringOf(src, root.get('name', true), 'name', "'name'");
  const descNode = root.get('description', true);
  const description = descNode === undefined ? '' : (stringOf(src, descNode, 'description', "'description'") ?? '');
  const keepDotted = booleanOf(src, root.get('keep_dotted', true), 'keep_dotted') ?? true;
  const unwrapText = booleanOf(src, root.get('unwrap_text', true), 'unwrap_text') ?? false;
  const sectionsNode = root.get('sections', true);
  const sections: PipelineSection[] = [];
  if (!isSeq(sectionsNode)) src.fail(sectionsNode ?? root, 'sections', "'sections' must be a list");
  else
    sectionsNode.items.forEach((n, i) => {
      const s = readSection(src, n, `sections[${i}]`);
      if (s) sections.push(s);
    });
  const lsNode = root.get('logsources', true);
  let logsources: LogsourceMapping = { default: 'allow', entries: [], file };
  if (lsNode !== undefined) {
    const ref = stringOf(src, lsNode, 'logsources', "'logsources'");
    if (ref !== undefined) {
      const lsFile = isAbsolute(ref) ? ref : join(dirname(file), ref);
      logsources = readLogsources(lsFile, problems) ?? logsources;
    }
  }
  const ldNode = root.get('logsource_default', true);
  let logsourceDefault: 'allow' | 'deny' | undefined;
  if (ldNode !== undefined) {
    const d = isScalar(ldNode) ? ldNode.value : undefined;
    if (d === 'allow' || d === 'deny') logsourceDefault = d;
    else src.fail(ldNode, 'logsource_default', "'logsource_default' must be allow or deny");
  }
  if (name === undefined) return undefined;
  if (name !== basename(file).replace(/\.ya?ml$/, ''))
    src.fail(root.get('name', true), 'name', `the name '${name}' differs from the file name`);
  return { name, description, file, keepDotted, unwrapText, sections, logsources, ...(logsourceDefault && { logsourceDefault }) };
}

/** Reads a logsource mapping file; its conditions are compiled once here to report their problems. */
export function readLogsources(file: string, problems: VigilError[]): LogsourceMapping | undefined {
  const src = new Source(file, problems);
  const root = src.doc?.contents;
  if (!src.doc) return undefined;
  if (!isMap(root)) {
    src.fail(root, '', 'a logsource mapping must be a map with default and logsources');
    return undefined;
  }
  checkKeys(src, root, '', ['default', 'logsources']);
  const defNode = root.get('default', true);
  let def: 'allow' | 'deny' = 'allow';
  if (defNode !== undefined) {
    const d = isScalar(defNode) ? defNode.value : undefined;
    if (d === 'allow' || d === 'deny') def = d;
    else src.fail(defNode, 'default', "'default' must be allow or deny");
  }
  const entries: LogsourceEntry[] = [];
  const list = root.get('logsources', true);
  if (!isSeq(list)) src.fail(list ?? root, 'logsources', "'logsources' must be a list");
  else
    list.items.forEach((n, i) => {
      const path = `logsources[${i}]`;
      if (!isMap(n)) {
        src.fail(n, path, 'an entry must be a map with logsource and conditions');
        return;
      }
      checkKeys(src, n, path, ['logsource', 'conditions']);
      const logsource = logsourceOf(src, n.get('logsource', true), `${path}.logsource`);
      const condNode = n.get('conditions', true);
      if (!isSeq(condNode) || condNode.items.length === 0 || !condNode.items.every((c) => isMap(c))) {
        src.fail(condNode ?? n, `${path}.conditions`, "'conditions' must be a non-empty list of selection maps");
        return;
      }
      const conditions = condNode.toJSON() as Record<string, unknown>[];
      try {
        // Compiled with the default resolver only to find problems; pipelines compile it again with theirs.
        compileDetection({ selection: conditions, condition: 'selection' }, { file });
      } catch (err) {
        const cause = (err as VigilError).cause;
        const parts = cause instanceof AggregateError ? (cause.errors as unknown[]) : [err];
        const line = src.at(condNode, path).line;
        for (const p of parts)
          problems.push(
            new VigilError('PIPELINE_INVALID', p instanceof Error ? p.message : String(p), {
              location: { file, line, path: `${path}.conditions` },
            }),
          );
        return;
      }
      if (!logsource) return;
      if (Object.keys(logsource).length === 0) {
        src.fail(n, `${path}.logsource`, 'an entry must name a product, category or service');
        return;
      }
      entries.push({ logsource, conditions, at: src.at(n, path) });
    });
  return { default: def, entries, file };
}
