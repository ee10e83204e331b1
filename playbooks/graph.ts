import type { Report, StepSpec } from './schema.js';

/**
 * Checks the step graph of a playbook: refs are unique, every `needs` names a step, and
 * `needs` has no cycle. Returns, for every step, the set of steps it transitively needs:
 * the only ones whose results it may read (anything else may not have run yet).
 */
export function checkGraph(steps: readonly StepSpec[], report: Report): Map<string, Set<string>> {
  const byRef = new Map<string, StepSpec>();
  for (const s of steps) {
    const first = byRef.get(s.ref);
    if (first) report(['steps', s.index, 'ref'], `duplicate step ref "${s.ref}" (first at steps[${first.index}])`);
    else byRef.set(s.ref, s);
  }
  for (const s of steps) {
    s.needs.forEach((n, i) => {
      if (!byRef.has(n)) report(['steps', s.index, 'needs', i], `step "${s.ref}" needs "${n}", which is not a step of this playbook`);
    });
  }

  const ancestors = new Map<string, Set<string>>();
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const visit = (s: StepSpec, trail: string[]): Set<string> => {
    const known = ancestors.get(s.ref);
    if (state.get(s.ref) === 'done' && known) return known;
    state.set(s.ref, 'visiting');
    const acc = new Set<string>();
    for (const n of s.needs) {
      const dep = byRef.get(n);
      if (!dep) continue;
      if (state.get(n) === 'visiting') {
        const path = [...trail, s.ref];
        const cycle = [...path.slice(path.indexOf(n)), n];
        const key = [...cycle.slice(0, -1)].sort().join(',');
        if (!reported.has(key)) {
          reported.add(key);
          report(['steps', s.index, 'needs'], `needs form a cycle: ${cycle.join(' → ')}`);
        }
        continue;
      }
      acc.add(n);
      for (const a of visit(dep, [...trail, s.ref])) acc.add(a);
    }
    state.set(s.ref, 'done');
    ancestors.set(s.ref, acc);
    return acc;
  };
  for (const s of byRef.values()) visit(s, []);
  return ancestors;
}
