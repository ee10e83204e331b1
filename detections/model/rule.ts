/**
 * What every detection rule has, whatever detects: the metadata block shared by Sigma rules and
 * Sigma correlation rules (Sigma rules specification 2.1, "Rule metadata"), and where a part of a
 * rule came from.
 */

/** Where a model node came from: a path inside the rule (`detection.selection.user.name`) and, when parsed from text, its 1-based position. */
export interface Where {
  readonly path: string;
  readonly line?: number;
  readonly column?: number;
}

export const RULE_STATUSES = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'] as const;
export type RuleStatus = (typeof RULE_STATUSES)[number];

/** Sigma levels, lowest first. */
export const RULE_LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type RuleLevel = (typeof RULE_LEVELS)[number];

export interface RuleMeta {
  /** The rule's id; a correlation known only by its `name` has that name as its id. */
  readonly id: string;
  /** Sigma 2 `name`: a unique, human-friendly reference (correlations and filters may name rules by it). */
  readonly name?: string;
  readonly title: string;
  readonly status?: RuleStatus;
  readonly level?: RuleLevel;
  readonly description?: string;
  readonly author?: string;
  readonly date?: string;
  readonly modified?: string;
  readonly tags: readonly string[];
  readonly references: readonly string[];
  readonly falsepositives: readonly string[];
}

/** The rule file and the position of the rule document in it. */
export interface RuleLocation {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
}
