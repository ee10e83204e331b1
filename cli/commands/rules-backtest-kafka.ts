/**
 * The alerts of a backtest over a time range of `vigil.events` (`--from-kafka`): the records
 * Kafka received in [from, to) run through the rules and correlations as `vigil replay` runs
 * them (detections/engine/retro.ts), but nothing is written anywhere: each alert is handed
 * to `onAlert`, to be counted.
 */
import { Bus } from '../../core/bus/index.js';
import { errorMessage } from '../../core/errors/index.js';
import type { EcsEvent } from '../../core/event/index.js';
import { loadRetroRules, RetroHunt, type RetroRules } from '../../detections/engine/retro.js';
import { PipelineError } from '../../detections/pipelines/index.js';
import { loadConfig } from '../config/schema.js';
import type { ToolIo } from '../io.js';
import { parseTime } from './replay.js';

export interface KafkaRange {
  readonly config: string;
  readonly from: string;
  readonly to: string;
}

/** Exit code: 0 when the range was read, 1 or 2 (as `vigil hunt`) when the rules did not load. */
export async function alertsFromKafka(
  rules: readonly string[],
  pipeline: string,
  range: KafkaRange,
  io: ToolIo,
  onAlert: (alert: EcsEvent) => void,
): Promise<number> {
  const now = io.now();
  const fromMs = parseTime(range.from, now, 'from');
  const toMs = parseTime(range.to, now, 'to');
  const config = loadConfig(range.config);
  let loaded: RetroRules;
  try {
    loaded = loadRetroRules(rules, { pipeline });
  } catch (err) {
    if (!(err instanceof PipelineError)) throw err;
    for (const p of err.problems) io.err(p.describe());
    return 2;
  }
  for (const e of loaded.errors) io.err(e.describe());
  if (loaded.ruleset.matchers.length === 0 && loaded.correlations.correlations.length === 0) {
    io.err('no rule loaded');
    return 1;
  }
  const bus = new Bus(config.kafka, 'backtest');
  try {
    const retro = new RetroHunt(loaded, now);
    let events = 0;
    let unreadable = 0;
    await bus.readRange(bus.topics.events, {
      fromMs,
      toMs,
      onRecords: async (records) => {
        for (const rec of records) {
          let event: EcsEvent;
          try {
            event = JSON.parse(rec.value.toString('utf8')) as EcsEvent;
            if (typeof event?.['@timestamp'] !== 'string') throw new Error('no @timestamp');
          } catch (err) {
            if (++unreadable <= 20) io.err(`${rec.topic}[${rec.partition}]@${rec.offset}: unreadable event: ${errorMessage(err)}`);
            continue;
          }
          events++;
          retro.match(
            event,
            { where: `${rec.partition}@${rec.offset}` },
            onAlert,
            (rule, err) => io.err(`rule ${rule.fired.id} threw on ${rec.partition}@${rec.offset} and is disabled: ${errorMessage(err)}`),
            event.vigil?.parse_status !== 'partial',
          );
        }
      },
    });
    if (retro.correlating) for (const fired of retro.correlate().alerts) if (fired.emit) onAlert(fired.alert);
    io.err(
      `${events} event${events === 1 ? '' : 's'} of ${bus.topics.events} received ${new Date(fromMs).toISOString()} to ${new Date(toMs).toISOString()}` +
        (unreadable > 0 ? `, ${unreadable} unreadable` : ''),
    );
    return 0;
  } finally {
    await bus.close();
  }
}
