/**
 * ATT&CK coverage of a rule set: an ATT&CK Navigator layer (layer format 4.5, enterprise
 * domain) scoring each technique the rules' `attack.tNNNN[.NNN]` tags name, and a summary by
 * tactic. A rule adds its weight to each technique it names: its level (informational 1 …
 * critical 5) times its status (stable 1, test 0.75, experimental 0.5). Deprecated and
 * unsupported rules are left out; a rule with no technique tag is listed as uncovered.
 */
import { ATTACK_TACTICS, attackFromTags, type AttackTactic, type RuleMeta } from '../model/index.js';

export const LEVEL_WEIGHT: Record<string, number> = { informational: 1, low: 2, medium: 3, high: 4, critical: 5 };
export const STATUS_WEIGHT: Record<string, number> = { stable: 1, test: 0.75, experimental: 0.5 };
const EXCLUDED_STATUSES = new Set(['deprecated', 'unsupported']);
/** A rule without a level counts as medium, one without a status as experimental. */
const DEFAULT_LEVEL = 'medium';
const DEFAULT_STATUS = 'experimental';

export const LAYER_VERSIONS = { layer: '4.5', navigator: '5.1.0', attack: '17' } as const;

export interface CoverageRule {
  readonly meta: RuleMeta;
  /** Where the rule is, as the table and comments name it. */
  readonly file: string;
}

export interface LayerTechnique {
  techniqueID: string;
  tactic?: AttackTactic;
  score?: number;
  comment?: string;
  enabled?: boolean;
  showSubtechniques?: boolean;
}

export interface NavigatorLayer {
  name: string;
  versions: { layer: string; navigator: string; attack: string };
  domain: 'enterprise-attack';
  description: string;
  sorting: number;
  hideDisabled: boolean;
  techniques: LayerTechnique[];
  gradient: { colors: string[]; minValue: number; maxValue: number };
  legendItems: never[];
  metadata: Array<{ name: string; value: string }>;
  showTacticRowBackground: boolean;
  selectTechniquesAcrossTactics: boolean;
  selectSubtechniquesWithParent: boolean;
}

export interface TacticRow {
  /** An ATT&CK tactic, or `(none)` for techniques whose rules name no tactic. */
  tactic: string;
  rules: number;
  techniques: number;
  score: number;
}

export interface Coverage {
  layer: NavigatorLayer;
  tactics: TacticRow[];
  /** Rules that name no ATT&CK technique. */
  uncovered: CoverageRule[];
  /** Rules left out for their status. */
  excluded: CoverageRule[];
  /** Rules counted (covered or not). */
  counted: number;
}

/** The weight a rule adds to each technique it names (0 for a deprecated or unsupported rule). */
export function ruleWeight(meta: Pick<RuleMeta, 'level' | 'status'>): number {
  const status = meta.status ?? DEFAULT_STATUS;
  if (EXCLUDED_STATUSES.has(status)) return 0;
  return (LEVEL_WEIGHT[meta.level ?? DEFAULT_LEVEL] ?? 0) * (STATUS_WEIGHT[status] ?? 0);
}

const round = (n: number): number => Math.round(n * 100) / 100;

export function coverage(rules: readonly CoverageRule[], name = 'Vigil rule coverage'): Coverage {
  const byTechnique = new Map<string, { score: number; rules: CoverageRule[]; tactics: Set<AttackTactic>; anyWithoutTactic: boolean }>();
  const uncovered: CoverageRule[] = [];
  const excluded: CoverageRule[] = [];
  const tacticRules = new Map<string, Set<string>>();
  const tacticTechniques = new Map<string, Set<string>>();
  const tacticScore = new Map<string, number>();
  let counted = 0;
  for (const r of rules) {
    if (EXCLUDED_STATUSES.has(r.meta.status ?? '')) {
      excluded.push(r);
      continue;
    }
    counted++;
    const { techniques, tactics } = attackFromTags(r.meta.tags);
    if (techniques.length === 0) {
      uncovered.push(r);
      continue;
    }
    const weight = ruleWeight(r.meta);
    for (const id of techniques) {
      const t = byTechnique.get(id) ?? { score: 0, rules: [], tactics: new Set(), anyWithoutTactic: false };
      t.score += weight;
      t.rules.push(r);
      for (const tac of tactics) t.tactics.add(tac);
      if (tactics.length === 0) t.anyWithoutTactic = true;
      byTechnique.set(id, t);
    }
    for (const tac of tactics.length > 0 ? tactics : ['(none)']) {
      tacticRules.set(tac, (tacticRules.get(tac) ?? new Set()).add(r.meta.id));
      const set = tacticTechniques.get(tac) ?? new Set<string>();
      for (const id of techniques) set.add(id);
      tacticTechniques.set(tac, set);
      tacticScore.set(tac, (tacticScore.get(tac) ?? 0) + weight * techniques.length);
    }
  }

  const techniques: LayerTechnique[] = [];
  for (const [id, t] of [...byTechnique].sort((a, b) => a[0].localeCompare(b[0]))) {
    const entry: LayerTechnique = {
      techniqueID: id,
      score: round(t.score),
      comment: t.rules
        .map((r) => `${r.meta.title} (${r.meta.id}, ${r.meta.level ?? DEFAULT_LEVEL}, ${r.meta.status ?? DEFAULT_STATUS})`)
        .join('; '),
      enabled: true,
    };
    // Navigator applies an entry with a tactic to that tactic only: only when the rules agree on one.
    if (t.tactics.size === 1 && !t.anyWithoutTactic) entry.tactic = [...t.tactics][0];
    techniques.push(entry);
  }
  // A scored sub-technique is shown unfolded under its parent.
  for (const id of new Set([...byTechnique.keys()].filter((k) => k.includes('.')).map((k) => k.split('.')[0] as string))) {
    const parent = techniques.filter((t) => t.techniqueID === id);
    if (parent.length > 0) for (const p of parent) p.showSubtechniques = true;
    else techniques.push({ techniqueID: id, showSubtechniques: true });
  }
  techniques.sort((a, b) => a.techniqueID.localeCompare(b.techniqueID));

  const maxScore = Math.max(1, ...techniques.map((t) => t.score ?? 0));
  const order = [...ATTACK_TACTICS, '(none)'];
  const tactics = order
    .filter((tac) => tacticRules.has(tac))
    .map((tac) => ({
      tactic: tac,
      rules: tacticRules.get(tac)?.size ?? 0,
      techniques: tacticTechniques.get(tac)?.size ?? 0,
      score: round(tacticScore.get(tac) ?? 0),
    }));

  return {
    layer: {
      name,
      versions: { ...LAYER_VERSIONS },
      domain: 'enterprise-attack',
      description: `Techniques the rules detect, scored by rule level × status (${counted} rules, ${uncovered.length} without a technique tag)`,
      sorting: 3,
      hideDisabled: false,
      techniques,
      gradient: { colors: ['#ffffff', '#66b1ff', '#0b3d91'], minValue: 0, maxValue: round(maxScore) },
      legendItems: [],
      metadata: [
        { name: 'rules', value: String(counted) },
        { name: 'uncovered rules', value: String(uncovered.length) },
      ],
      showTacticRowBackground: false,
      selectTechniquesAcrossTactics: true,
      selectSubtechniquesWithParent: false,
    },
    tactics,
    uncovered,
    excluded,
    counted,
  };
}
