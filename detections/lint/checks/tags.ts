/**
 * Tags (Sigma tags appendix; SigmaHQ's allowed namespaces): attack, car, cve, detection, stp, tlp,
 * each with its value format.
 */
import { ATTACK_TACTICS } from '../../model/index.js';
import { text, val, type SNode } from '../document.js';
import type { DocCheck, Emit, LintDoc } from '../model.js';

const NAMESPACES = ['attack', 'car', 'cve', 'detection', 'stp', 'tlp'];
/** Techniques, sub-techniques, groups, software, campaigns, mitigations and data sources. */
const ATTACK_ID = /^(t\d{4}(\.\d{3})?|g\d{4}|s\d{4}|c\d{4}|m\d{4}|ds\d{4})$/;
/** Tactics newer than the list the engine maps (ATT&CK v18 split defense-evasion into these two). */
const NEWER_TACTICS = ['stealth', 'defense-impairment'];
const isTactic = (v: string): boolean => {
  const name = v.toLowerCase().replace(/_/g, '-');
  return (ATTACK_TACTICS as readonly string[]).includes(name) || NEWER_TACTICS.includes(name);
};
const TLP = ['clear', 'white', 'green', 'amber', 'amber-strict', 'red'];
const DETECTION = ['dfir', 'emerging-threats', 'threat-hunting'];

function eachTag(doc: LintDoc, visit: (tag: string, node: SNode) => void): void {
  const node = val(doc.root, 'tags');
  if (node?.kind !== 'seq') return;
  for (const item of node.items) {
    const t = text(item);
    if (t !== undefined) visit(t, item);
  }
}

function tagCheck(
  id: string,
  severity: DocCheck['severity'],
  description: string,
  test: (tag: string, node: SNode, emit: Emit) => void,
): DocCheck {
  return { id, severity, group: 'convention', description, run: (doc, emit) => eachTag(doc, (tag, node) => test(tag, node, emit)) };
}

export const tagsNotList: DocCheck = {
  id: 'tags-not-list',
  severity: 'error',
  group: 'convention',
  description: "'tags' is not a list of strings",
  run(doc, emit) {
    const node = val(doc.root, 'tags');
    if (node === undefined || (node.kind === 'scalar' && node.value === null)) return;
    if (node.kind !== 'seq' || node.items.some((i) => text(i) === undefined)) emit(node, "'tags' must be a list of strings");
  },
};

export const tagNamespace = tagCheck(
  'tag-namespace-unknown',
  'warning',
  `a tag's namespace is not one of ${NAMESPACES.join(', ')}`,
  (tag, node, emit) => {
    const ns = tag.split('.')[0]?.toLowerCase() ?? '';
    if (!tag.includes('.') || !NAMESPACES.includes(ns)) emit(node, `tag '${tag}' is not in a known namespace (${NAMESPACES.join(', ')})`);
  },
);

export const tagUppercase = tagCheck('tag-uppercase', 'warning', 'a tag has upper-case letters', (tag, node, emit) => {
  if (tag !== tag.toLowerCase()) emit(node, `tag '${tag}' is not lower case`);
});

export const tagAttack = tagCheck(
  'tag-attack-invalid',
  'warning',
  'an attack tag is neither a technique (t1234, t1234.001), group, software nor tactic name',
  (tag, node, emit) => {
    const m = /^attack\.(.+)$/i.exec(tag);
    if (!m) return;
    const v = (m[1] as string).toLowerCase();
    if (ATTACK_ID.test(v) || isTactic(v)) return;
    emit(node, `tag '${tag}' is not an ATT&CK technique, group, software or tactic`);
  },
);

export const tagAttackUnderscore = tagCheck(
  'tag-attack-tactic-underscore',
  'warning',
  "an attack tactic written with '_' (Sigma 2 writes 'credential-access')",
  (tag, node, emit) => {
    const m = /^attack\.(.+)$/i.exec(tag);
    if (m && (m[1] as string).includes('_') && isTactic(m[1] as string))
      emit(node, `tag '${tag}' should be written '${tag.toLowerCase().replace(/_/g, '-')}'`);
  },
);

export const tagCve = tagCheck('tag-cve-invalid', 'warning', 'a cve tag is not cve.YYYY-NNNN', (tag, node, emit) => {
  if (/^cve\./i.test(tag) && !/^cve\.\d{4}-\d{4,}$/i.test(tag)) emit(node, `tag '${tag}' is not cve.YYYY-NNNN`);
});

export const tagCar = tagCheck('tag-car-invalid', 'warning', 'a car tag is not car.YYYY-MM-NNN', (tag, node, emit) => {
  if (/^car\./i.test(tag) && !/^car\.\d{4}-\d{2}-\d{3}$/i.test(tag)) emit(node, `tag '${tag}' is not car.YYYY-MM-NNN`);
});

export const tagTlp = tagCheck('tag-tlp-invalid', 'warning', `a tlp tag is not one of ${TLP.join(', ')}`, (tag, node, emit) => {
  if (/^tlp\./i.test(tag) && !TLP.includes(tag.slice(4).toLowerCase())) emit(node, `tag '${tag}' is not a TLP level (${TLP.join(', ')})`);
});

export const tagDetection = tagCheck(
  'tag-detection-invalid',
  'warning',
  `a detection tag is not one of ${DETECTION.join(', ')}`,
  (tag, node, emit) => {
    if (/^detection\./i.test(tag) && !DETECTION.includes(tag.slice(10).toLowerCase()))
      emit(node, `tag '${tag}' is not one of detection.${DETECTION.join(', detection.')}`);
  },
);

export const tagDuplicate: DocCheck = {
  id: 'tag-duplicate',
  severity: 'warning',
  group: 'convention',
  description: 'the same tag is listed twice',
  run(doc, emit) {
    const seen = new Set<string>();
    eachTag(doc, (tag, node) => {
      const k = tag.toLowerCase();
      if (seen.has(k)) emit(node, `tag '${tag}' is listed twice`);
      seen.add(k);
    });
  },
};

export const tagTechniqueWithoutTactic: DocCheck = {
  id: 'tag-technique-without-tactic',
  severity: 'info',
  group: 'convention',
  description: 'attack technique tags without any attack tactic tag',
  run(doc, emit) {
    let technique: SNode | undefined;
    let tactic = false;
    eachTag(doc, (tag, node) => {
      const v = tag.toLowerCase().replace(/^attack\./, '');
      if (!tag.toLowerCase().startsWith('attack.')) return;
      if (/^t\d{4}/.test(v)) technique ??= node;
      if (isTactic(v)) tactic = true;
    });
    if (technique && !tactic) emit(technique, 'the rule names ATT&CK techniques but no tactic');
  },
};
