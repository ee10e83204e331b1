import type { Bus } from '../../core/bus/index.js';
import type { VigilConfig } from '../../core/config/index.js';
import { sendDeadLetters } from '../../core/deadletter/index.js';
import { deadLetterOversized } from '../../core/deadletter/oversized.js';
import type { RunningStage } from '../../core/stage.js';
import { logger, metrics } from '../../core/telemetry/index.js';
import type { CompiledRule } from '../sigma/load.js';
import { firedRule } from '../model/index.js';
import { correlationInputTopic, correlationRouter, startCorrelateStage } from './correlate.js';
import { EventClock, startTicker } from './event-clock.js';
import { detectBatch, type RuleMatcher } from './detect.js';
import { readPlaceholders } from './placeholders.js';
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

/** What a reload changes in the detect stage: how alerts feed correlations, and base rules only correlations read. */
interface CorrelationWiring {
  generation: number;
  route: ReturnType<typeof correlationRouter> | undefined;
  correlationOnly: RuleMatcher[];
}

/**
 * The detection stage: `vigil.events` → Sigma rules → `vigil.alerts`, and
 * the correlation stage when correlation rules are configured. Rules and correlations reload
 * when their files (or placeholder files) change (reload.ts).
 */
export async function startDetectStage({ config, bus }: { config: VigilConfig; bus: Bus }): Promise<RunningStage[]> {
  // Rules are never switched off while running: one that throws is skipped for that event only.
  const disabled: ReadonlySet<string> = new Set<string>();
  const ruleErrors = new RuleErrorReporter(log);
  const { detections } = config;
  const live = new LiveRules(detections.rules, {
    pipeline: detections.pipeline,
    placeholders: () => readPlaceholders(detections),
    watchFiles: Object.values(detections.placeholderFiles),
    skipStatuses: detections.includeDeprecated ? [] : ['deprecated', 'unsupported'],
    correlations: true,
    onLoad: ({ rules, correlations, skipped, errors, kept, ms }) => {
      for (const e of errors) log.error({ code: e.code }, e.describe());
      if (kept.length > 0) log.warn({ kept }, 'rule files that no longer load keep their last good rules');
      log.info({ loaded: rules, correlations, skipped, rejected: errors.length, ms }, 'rules loaded');
    },
  });
  live.watch();
  const inputTopic = correlationInputTopic(config.kafka.topicPrefix);
  const wire = (): CorrelationWiring => {
    const set = live.correlations;
    // Base rules written beside their correlations (files of several YAML documents) are only
    // read by the correlation loader; they are matched here too.
    const liveIds = new Set(live.current.matchers.map((m) => m.fired.id));
    return {
      generation: live.generation,
      route: set.correlations.length > 0 ? correlationRouter(set) : undefined,
      correlationOnly: set.rules.filter((r) => !liveIds.has(r.rule.id)).map(toMatcher),
    };
  };
  let wiring = wire();
  const stages: RunningStage[] = [];
  // The correlate stage starts with the first correlation, at start or on a later reload.
  let correlate: RunningStage | undefined;
  const startCorrelate = async (): Promise<void> => {
    if (!correlate && wiring.route) correlate = await startCorrelateStage({ config, bus, set: live });
  };
  await startCorrelate();
  if (correlate) stages.push(correlate);
  const { topics } = bus;
  // An alert embeds its event, so it can be too large for Kafka where the event was not: such an
  // alert is dead-lettered with the reason rather than failing the batch, which would be offered
  // again for ever while every later event waits behind it.
  const producer = deadLetterOversized(await bus.producer(), {
    deadletterTopic: topics.deadletter,
    stage: 'detect',
    component: 'engine',
    kind: 'detect',
  });
  const incidentInput = await ensureIncidentInputTopic(bus);

  const idleMs = config.detections.correlation.idleAdvanceSeconds * 1000;
  // Always there when idle advance is on: a reload may bring the first correlation.
  const clock = idleMs > 0 ? new EventClock(idleMs) : undefined;

  const loop = await bus.consume('detect', {
    topics: [topics.events],
    component: 'detect',
    handler: async (records) => {
      // One rule set for the whole batch, even if a reload swaps it meanwhile.
      const ruleset = live.current;
      if (wiring.generation !== live.generation) {
        wiring = wire();
        await startCorrelate();
      }
      const { route, correlationOnly } = wiring;
      const out = detectBatch(ruleset, records, disabled);
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
    close: async () => {
      ticker?.stop();
      live.close();
      await loop.stop();
      // Started by a reload, so not in the list the caller closes.
      if (correlate && !stages.includes(correlate)) await correlate.close();
    },
  });
  return stages;
}
