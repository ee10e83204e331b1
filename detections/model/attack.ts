/**
 * MITRE ATT&CK ids from Sigma tags (Sigma 2.1 tags appendix, namespace `attack`):
 * `attack.t1110` / `attack.t1548.003` are techniques, `attack.credential-access` a tactic.
 * Sigma 2 writes tactics with hyphens; the older underscore form (`credential_access`) is
 * accepted too. Groups (`attack.g0001`) and software (`attack.s0001`) are not returned.
 */

/** ATT&CK Enterprise tactic short names, in kill-chain order. */
export const ATTACK_TACTICS = [
  'reconnaissance',
  'resource-development',
  'initial-access',
  'execution',
  'persistence',
  'privilege-escalation',
  'defense-evasion',
  'credential-access',
  'discovery',
  'lateral-movement',
  'collection',
  'command-and-control',
  'exfiltration',
  'impact',
] as const;
export type AttackTactic = (typeof ATTACK_TACTICS)[number];

export interface AttackIds {
  /** Technique ids upper-cased as ATT&CK writes them: `T1110`, `T1548.003`. */
  readonly techniques: string[];
  /** Tactic short names as ATT&CK and Sigma 2 write them: `credential-access`. */
  readonly tactics: AttackTactic[];
}

const TECHNIQUE = /^attack\.(t\d{4}(?:\.\d{3})?)$/i;

export function attackFromTags(tags: readonly string[]): AttackIds {
  const techniques: string[] = [];
  const tactics: AttackTactic[] = [];
  for (const tag of tags) {
    const t = TECHNIQUE.exec(tag);
    if (t) {
      const id = (t[1] as string).toUpperCase();
      if (!techniques.includes(id)) techniques.push(id);
      continue;
    }
    const lower = tag.toLowerCase();
    if (!lower.startsWith('attack.')) continue;
    const name = lower.slice('attack.'.length).replace(/_/g, '-');
    if ((ATTACK_TACTICS as readonly string[]).includes(name) && !tactics.includes(name as AttackTactic)) {
      tactics.push(name as AttackTactic);
    }
  }
  return { techniques, tactics };
}
