/**
 * The linter's vocabulary: a check (stable id, severity, group, one-line description), a
 * finding (a check that fired at a file position), and what a check reads.
 */
import type { SNode } from '../sigma/source.js';

export const SEVERITIES = ['error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CHECK_GROUPS = ['yaml', 'engine', 'convention', 'logic', 'fields', 'correlation'] as const;
export type CheckGroup = (typeof CHECK_GROUPS)[number];

export type MapNode = Extract<SNode, { kind: 'map' }>;

/** One YAML document of a rule file, with positions in the file. */
export interface LintDoc {
  readonly file: string;
  /** 0-based index of the document in its file. */
  readonly index: number;
  /** How many documents the file holds. */
  readonly count: number;
  readonly kind: 'rule' | 'correlation' | 'filter';
  readonly root: MapNode;
  /** The document's text, padded with blank lines so that its positions are the file's. */
  readonly text: string;
}

/** A position, or the node it is taken from; undefined stands for the document itself. */
export type At = SNode | { readonly line?: number; readonly column?: number } | undefined;

export type Emit = (at: At, message: string) => void;

export interface CheckInfo {
  /** Stable: `--select`, `--ignore` and SARIF rule ids use it. */
  readonly id: string;
  readonly severity: Severity;
  readonly group: CheckGroup;
  readonly description: string;
}

/** Options every check may read. */
export interface LintOptions {
  /** The field-mapping pipeline the fields checks use (name or file). Default `ecs`. */
  readonly pipeline?: string;
  /** Today, for date checks (YYYY-MM-DD, UTC). Default: the clock's. */
  readonly today?: string;
}

/** A check of one document. */
export interface DocCheck extends CheckInfo {
  readonly run: (doc: LintDoc, emit: Emit, options: LintOptions) => void;
}

/** A check across every document linted together (duplicate ids, correlation references). */
export interface SetCheck extends CheckInfo {
  readonly runAll: (docs: readonly LintDoc[], emit: (doc: LintDoc, at: At, message: string) => void, options: LintOptions) => void;
}

export type Check = DocCheck | SetCheck;

export interface Finding {
  readonly check: string;
  readonly severity: Severity;
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
}
