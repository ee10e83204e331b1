/**
 * The prefilter never changes results: the whole SigmaHQ corpus over a mixed event set (realistic
 * events, and events built from the rules' own values, half of them slightly damaged) fires
 * exactly the same rules on every event with the index as when every rule is evaluated.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mixedEvents, ruleShapedEvents } from '../../bench/detect-events.js';
import { loadRuleSetFrom, ruleSetOf } from '../engine/ruleset.js';
import { matchEvent } from '../engine/detect.js';
import type { Rules } from '../engine/detect.js';
import type { EcsEvent } from '../../core/event/index.js';

const CORPUS = process.env.SIGMA_CORPUS ?? fileURLToPath(new URL('../../../shared/sigma/rules', import.meta.url));

function fired(rules: Rules, event: EcsEvent): string {
  const ids: string[] = [];
  matchEvent(
    rules,
    event,
    new Set(),
    (r, sel) => ids.push(`${r.fired.id}:${sel.join('+')}`),
    (r, err) => ids.push(`${r.fired.id}:threw ${String(err)}`),
  );
  return ids.join(',');
}

describe.skipIf(!existsSync(CORPUS))('prefilter equivalence on the SigmaHQ corpus', () => {
  it.each(['ecs', 'raw'])('fires the same rules with and without the index (pipeline %s)', { timeout: 600_000 }, async (pipeline) => {
    const { ruleset, loaded } = loadRuleSetFrom([CORPUS], { pipeline });
    const naive = ruleSetOf(loaded, { prefilter: false });
    const events = [...mixedEvents(1000, 21), ...ruleShapedEvents(loaded, pipeline === 'ecs' ? 3000 : 1200, 23)];
    let alerts = 0;
    const distinct = new Set<string>();
    const diffs: string[] = [];
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as EcsEvent;
      // Let the test worker answer its runner now and then (a long synchronous loop times its RPC out).
      if (i % 100 === 0) await new Promise((r) => setImmediate(r));
      const want = fired(naive, e);
      const got = fired(ruleset, e);
      if (want !== got) diffs.push(`${JSON.stringify(e).slice(0, 300)}\n  naive: ${want}\n  index: ${got}`);
      if (want) for (const x of want.split(',')) distinct.add(x.split(':')[0] as string);
      alerts += want ? want.split(',').length : 0;
    }
    expect(diffs.slice(0, 5)).toEqual([]);
    // Not vacuous: many alerts from many different rules.
    expect(alerts).toBeGreaterThan(1000);
    expect(distinct.size).toBeGreaterThan(pipeline === 'ecs' ? 500 : 200);
    const stats = ruleset.index!.stats();
    console.log(
      `${pipeline}: ${events.length} events, ${alerts} alerts from ${distinct.size} rules; ${stats.withClause}/${stats.rules} rules with a literal clause`,
    );
  });
});
