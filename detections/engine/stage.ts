import type { Bus } from '../../core/bus/index.js';
import type { VigilConfig } from '../../core/config/index.js';
import { sendDeadLetters } from '../../core/deadletter/index.js';
import type { RunningStage } from '../../core/stage.js';
import { logger, metrics } from '../../core/telemetry/index.js';
import { loadRules, type CompiledRule } from '../sigma/load.js';
import { attackFromTags } from '../sigma/tags.js';
import { detectBatch, type RuleMatcher } from './detect.js';

const log = logger('detect');

export function toMatcher(c: CompiledRule): RuleMatcher {
  const { rule } = c;
  const attack = attackFromTags(rule.tags ?? []);
  return {
    fired: {
      id: rule.id,
      title: rule.title,
      level: rule.level ?? 'medium',
      status: rule.status,
      description: rule.description,
      tags: rule.tags ?? [],
      references: rule.references ?? [],
      techniques: attack.techniques,
      tactics: attack.tactics,
    },
    match: (event) => c.match(event)?.selections ?? null,
  };
}

/** The detection stage: `vigil.events` → Sigma rules → `vigil.alerts` and `vigil.incidents`. */
export async function startDetectStage({ config, bus }: { config: VigilConfig; bus: Bus }): Promise<RunningStage> {
  const { rules, errors } = loadRules(config.detections.rules);
  for (const e of errors) log.error({ code: e.code }, e.describe());
  log.info({ loaded: rules.length, rejected: errors.length }, 'rules loaded');
  const matchers = rules.map(toMatcher);
  const disabled = new Set<string>();
  const producer = await bus.producer();
  const { topics } = bus;

  const loop = await bus.consume('detect', {
    topics: [topics.events],
    component: 'detect',
    handler: async (records) => {
      const out = detectBatch(matchers, records, disabled);
      metrics.received.inc({ kind: 'detect', id: 'engine' }, records.length);
      await Promise.all([
        producer.send(topics.alerts, out.alerts),
        producer.send(topics.incidents, out.incidents),
        sendDeadLetters(producer, topics.deadletter, out.deadLetters),
      ]);
      metrics.sent.inc({ kind: 'detect', id: 'engine' }, out.alerts.length);
      for (const id of out.failedRules) {
        disabled.add(id);
        metrics.errors.inc({ kind: 'detect', id, code: 'RULE_MATCH' });
        log.error({ rule: id }, 'rule threw while matching and is disabled');
      }
    },
  });
  return { name: 'detect', close: () => loop.stop() };
}
