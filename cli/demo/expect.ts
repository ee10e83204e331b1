import type { EcsEvent } from '../../core/event/index.js';
import { loadRules, toMatcher } from '../../detections/index.js';
import { normalizeSyslog, parseSyslog } from '../../ingest/index.js';

export interface Expectation {
  /** Lines that parse into events. */
  events: number;
  /** Lines that must be dead-lettered. */
  deadLetters: number;
  /** Rule id → number of alerts (= incidents, one per alert for now). */
  alertsByRule: Map<string, { title: string; level: string; count: number }>;
}

/**
 * What the sample must produce, computed offline with the very parsers and rules the pipeline
 * runs, so that the demo checks the pipeline's delivery, not a number written by hand.
 */
export function expectFromSample(lines: readonly string[], rulePaths: string[]): Expectation {
  const matchers = loadRules(rulePaths).rules.map(toMatcher);
  const out: Expectation = { events: 0, deadLetters: 0, alertsByRule: new Map() };
  const now = new Date();
  for (const line of lines) {
    const parsed = parseSyslog(line, { now, timezone: 'UTC' });
    if (!parsed.ok) {
      out.deadLetters++;
      continue;
    }
    out.events++;
    const event: EcsEvent = normalizeSyslog(parsed.record, { inputId: 'demo', peer: '127.0.0.1', raw: Buffer.from(line), receivedAt: now, keepOriginal: false });
    for (const m of matchers) {
      if (!m.match(event)) continue;
      const seen = out.alertsByRule.get(m.fired.id) ?? { title: m.fired.title, level: m.fired.level, count: 0 };
      seen.count++;
      out.alertsByRule.set(m.fired.id, seen);
    }
  }
  return out;
}

export function expectedAlerts(e: Expectation): number {
  return [...e.alertsByRule.values()].reduce((n, r) => n + r.count, 0);
}
