import type { Bus } from '../../core/bus/index.js';
import type { VigilConfig } from '../../core/config/index.js';
import { sendDeadLetters } from '../../core/deadletter/index.js';
import type { RunningStage } from '../../core/stage.js';
import { logger, metrics } from '../../core/telemetry/index.js';
import { loadCorrelations } from '../correlation/index.js';
import type { CompiledRule } from '../sigma/load.js';
import { firedRule } from '../model/index.js';
import { correlationInputTopic, correlationRouter, startCorrelateStage } from './correlate.js';
import { EventClock, startTicker } from './event-clock.js';
import { detectBatch, type RuleMatcher } from './detect.js';
import { LiveRules } from './reload.js';
import { RuleErrorReporter } from './rule-errors.js';
import { ensureIncidentInputTopic, forIncidents } from '../incidents/input-topic.js';

const log = logger('detect');

export function toMatcher(c: CompiledRule): RuleMatcher {
  return {
    fired: firedRule(c.rule),
    match: (event) => c.match(event)?.selections ?? null,
  };
}

/**
 * The detection stage: `vigil.events` → Sigma rules → `vigil.alerts`, and
 * the correlation stage when correlation rules are configured. Rules reload when their files
 * change (reload.ts); correlations are loaded once.
 */
export async function startDetectStage({ config, bus }: { config: VigilConfig; bus: Bus }): Promise<RunningStage[]> {
  // Rules are never switched off while running: one that throws is skipped for that event only.
  const disabled: ReadonlySet<string> = new Set<string>();
  const ruleErrors = new RuleErrorReporter(log);
  const live = new LiveRules(config.detections.rules, {
    onLoad: ({ rules, errors, kept, ms }) => {
      for (const e of errors) log.error({ code: e.code }, e.describe());
      if (kept.length > 0) log.warn({ kept }, 'rule files that no longer load keep their last good rules');
      log.info({ loaded: rules, rejected: errors.length, ms }, 'rules loaded');
    },
  });
  live.watch();
  const correlations = loadCorrelations(config.detections.rules);
  for (const e of correlations.errors) log.error({ code: e.code }, e.describe());
  const inputTopic = correlationInputTopic(config.kafka.topicPrefix);
  const route = correlations.correlations.length > 0 ? correlationRouter(correlations) : undefined;
  // Base rules written beside their correlations (files of several YAML documents) are only
  // read by loadCorrelations; they are matched here too.
  const liveIds = new Set(live.current.matchers.map((m) => m.fired.id));
  const correlationOnly = correlations.rules.filter((r) => !liveIds.has(r.rule.id)).map(toMatcher);
  const stages: RunningStage[] = [];
  if (route) stages.push(await startCorrelateStage({ config, bus, set: correlations }));
  const producer = await bus.producer();
  const { topics } = bus;
  const incidentInput = await ensureIncidentInputTopic(bus);

  const idleMs = config.detections.correlation.idleAdvanceSeconds * 1000;
  const clock = route && idleMs > 0 ? new EventClock(idleMs) : undefined;

  const loop = await bus.consume('detect', {
    topics: [topics.events],
    component: 'detect',
    handler: async (records) => {
      // One rule set for the whole batch, even if a reload swaps it meanwhile.
      const out = detectBatch(live.current, records, disabled);
      const extra = correlationOnly.length > 0 ? detectBatch(correlationOnly, records, disabled) : undefined;
      if (extra) {
        // Rule ids are distinct: correlationOnly holds no rule of the live set.
        for (const [id, e] of extra.ruleErrors) out.ruleErrors.set(id, e);
        // Undecodable records are dead-lettered by the first batch already.
        out.deadLetters.push(...extra.deadLetters.filter((d) => d.code === 'RULE_MATCH'));
      }
      const alerts = extra ? [...out.alerts, ...extra.alerts] : out.alerts;
      const routed = route ? route(alerts) : { alerts, inputs: [] };
      clock?.read(routed.inputs);
      metrics.received.inc({ kind: 'detect', id: 'engine' }, records.length);
      await Promise.all([
        producer.send(topics.alerts, routed.alerts),
        producer.send(incidentInput, forIncidents(routed.alerts)),
        routed.inputs.length > 0 ? producer.send(inputTopic, routed.inputs) : undefined,
        sendDeadLetters(producer, topics.deadletter, out.deadLetters),
      ]);
      metrics.sent.inc({ kind: 'detect', id: 'engine' }, routed.alerts.length);
      ruleErrors.report(out.ruleErrors);
    },
  });
  const ticker = clock
    ? startTicker({
        clock,
        producer,
        topic: inputTopic,
        partitions: (await bus.partitionCount(inputTopic)) ?? config.kafka.partitions,
        intervalMs: Math.min(5000, Math.max(200, idleMs / 2)),
      })
    : undefined;
  stages.push({
    name: 'detect',
    close: () => {
      ticker?.stop();
      live.close();
      return loop.stop();
    },
  });
  return stages;
}
