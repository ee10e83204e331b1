/**
 * A bare Sigma detection block (selections + condition) → predicate. This is the one matcher
 * that detection rules, sink filters and playbook triggers share.
 */
import { isNode, type Document, type LineCounter } from 'yaml';
import type { VigilError } from '../../core/errors/index.js';
import { compileDetectionModel, type CompileOptions } from './compile.js';
import { deepFreeze } from '../model/index.js';
import { parseDetection } from './parse-detection.js';
import { aggregateError, toVigilError, type Problem } from './problems.js';
import { fromPlain, fromYamlNode } from './source.js';

/** Where a detection block comes from, for error locations. */
export interface DetectionSource {
  /** The file that holds it (a playbook, a sink config). */
  readonly file: string;
  /** Its path inside that file, prefixed to problem paths, e.g. `steps[1].run_if`. Default: none. */
  readonly path?: string;
  /**
   * When the detection is given as a `yaml` node rather than a plain value: its document (to
   * resolve aliases) and the LineCounter used to parse it (for lines and columns).
   */
  readonly document?: Document;
  readonly lineCounter?: LineCounter;
}

/**
 * Compiles a detection block to a predicate. Throws a VigilError RULE_INVALID whose message
 * lists every problem; the individual located errors are in its `cause` (an AggregateError).
 */
export function compileDetection(detection: unknown, where: DetectionSource, options: CompileOptions = {}): (event: object) => boolean {
  const problems: Problem[] = [];
  const root = isNode(detection) ? fromYamlNode(detection, where.document, where.lineCounter, problems) : fromPlain(detection);
  const model = parseDetection({ problems }, root, where.path ?? '');
  if (model) {
    const { compiled, problems: more } = compileDetectionModel(deepFreeze(model), options);
    for (const item of more) problems.push(item);
    if (compiled && problems.length === 0) return compiled.matches;
  }
  const errors: VigilError[] = problems.map((p) => toVigilError(p, where.file));
  throw aggregateError(errors, `the detection in ${where.file}${where.path ? ` at ${where.path}` : ''}`);
}
