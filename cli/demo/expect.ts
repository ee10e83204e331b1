import type { EcsEvent } from '../../core/event/index.js';
import { buildAlert, toMatcher } from '../../detections/index.js';
import { loadCorrelations, runCorrelationsOffline } from '../../detections/correlation/index.js';
import { IncidentBuilder, incidentOptionsFromConfig } from '../../detections/incidents/index.js';
import type { IncidentsConfig } from '../../core/config/index.js';
import { normalizeSyslog, parseSyslog } from '../../ingest/index.js';

export interface Expectation {
  /** Lines that parse into events. */
  events: number;
  /** Lines that must be dead-lettered. */
  deadLetters: number;
  /** Rule id → number of alerts (= incidents, one per alert for now). */
  alertsByRule: Map<string, { title: string; level: string; count: number }>;
  /** Incidents the alerts group into. */
  incidents: number;
}

/**
 * What the sample must produce, computed offline with the very parsers and rules the pipeline
 * runs, so that the demo checks the pipeline's delivery, not a number written by hand.
 */
export function expectFromSample(lines: readonly string[], rulePaths: string[], incidents?: IncidentsConfig): Expectation {
  const set = loadCorrelations(rulePaths);
  const matchers = set.rules.map(toMatcher);
  const events: EcsEvent[] = [];
  const out: Expectation = { events: 0, deadLetters: 0, alertsByRule: new Map(), incidents: 0 };
  const builder = new IncidentBuilder(incidentOptionsFromConfig(incidents));
  const count = (id: string, title: string, level: string) => {
    const seen = out.alertsByRule.get(id) ?? { title, level, count: 0 };
    seen.count++;
    out.alertsByRule.set(id, seen);
  };
  const now = new Date();
  for (const line of lines) {
    const parsed = parseSyslog(line, { now, timezone: 'UTC' });
    if (!parsed.ok) {
      out.deadLetters++;
      continue;
    }
    out.events++;
    const event: EcsEvent = normalizeSyslog(parsed.record, {
      inputId: 'demo',
      peer: '127.0.0.1',
      raw: Buffer.from(line),
      receivedAt: now,
      keepOriginal: false,
    });
    events.push(event);
    for (const m of matchers) {
      const selections = m.match(event);
      if (!selections || set.silenced.has(m.fired.id)) continue;
      builder.add(buildAlert(m.fired, event, selections, now));
      count(m.fired.id, m.fired.title, m.fired.level);
    }
  }
  for (const fired of runCorrelationsOffline(set, events, { now }).alerts) {
    if (!fired.emit) continue;
    builder.add(fired.alert);
    count(
      fired.correlationId,
      String(fired.alert.rule?.name ?? fired.correlationId),
      String((fired.alert.vigil as { alert?: { level?: string } } | undefined)?.alert?.level ?? 'high'),
    );
  }
  out.incidents = builder.ids().length;
  return out;
}

export function expectedAlerts(e: Expectation): number {
  return [...e.alertsByRule.values()].reduce((n, r) => n + r.count, 0);
}
