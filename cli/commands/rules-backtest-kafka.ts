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
import { describeRead, parseTimeRange, readEventRange } from '../kafka-range.js';

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
  usage?: string,
): Promise<number> {
  const now = io.now();
  const times = parseTimeRange(range.from, range.to, now, usage);
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
    const read = await readEventRange(bus, bus.topics.events, {
      range: times,
      io,
      onEvents: (events) => {
        for (const { event, partition, offset } of events)
          retro.match(
            event,
            { where: `${partition}@${offset}` },
            onAlert,
            (rule, err) => io.err(`rule ${rule.fired.id} threw on ${partition}@${offset} and is disabled: ${errorMessage(err)}`),
            event.vigil?.parse_status !== 'partial',
          );
      },
    });
    if (retro.correlating) for (const fired of retro.correlate().alerts) if (fired.emit) onAlert(fired.alert);
    io.err(describeRead(read) + (read.unreadable > 0 ? `, ${read.unreadable} unreadable` : ''));
    return 0;
  } finally {
    await bus.close();
  }
}
