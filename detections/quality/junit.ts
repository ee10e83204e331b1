/**
 * A backtest as a JUnit XML report (the `testsuites` form CI servers read): one test case per
 * rule the baseline lists or that fired, failed when its count changed.
 */
import type { CountChange, Counts } from './baseline.js';

const xml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);

export function backtestJunit(
  baseline: Counts,
  actual: Counts,
  changes: readonly CountChange[],
  titles: ReadonlyMap<string, string>,
): string {
  const changed = new Map(changes.map((c) => [c.id, c]));
  const ids = [...new Set([...baseline.keys(), ...actual.keys()])].sort();
  const cases = ids.map((id) => {
    const name = xml(titles.get(id) ? `${titles.get(id)} (${id})` : id);
    const c = changed.get(id);
    if (!c) return `    <testcase classname="vigil.backtest" name="${name}"/>`;
    const message = xml(`fired ${c.actual} times, the baseline says ${c.baseline} (${c.change})`);
    return `    <testcase classname="vigil.backtest" name="${name}">\n      <failure message="${message}" type="${c.change}"/>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="vigil rules backtest" tests="${ids.length}" failures="${changes.length}">`,
    `  <testsuite name="backtest" tests="${ids.length}" failures="${changes.length}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
  ].join('\n');
}
