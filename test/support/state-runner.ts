/**
 * A counting topology (repartition by user + stateful count) as a process of its own, for the
 * state tests that kill instances: `node --import tsx test/support/state-runner.ts`, configured
 * by `VIGIL_STATE_RUNNER` (JSON of `RunnerEnv`). SIGTERM stops it gracefully.
 */
import { Bus } from '../../core/bus/index.js';
import { logger } from '../../core/telemetry/index.js';
import { startCounter, type RunnerEnv } from './state.js';

const log = logger('state-runner');
const env = JSON.parse(process.env.VIGIL_STATE_RUNNER ?? '') as RunnerEnv;
const bus = new Bus(env.kafka, `state-runner-${process.pid}`);
const counter = await startCounter(bus, env.counter);
log.info({ pid: process.pid }, 'runner ready');

let closing = false;
const shutdown = async () => {
  if (closing) process.exit(1);
  closing = true;
  await counter.close();
  await bus.close();
  log.info({ stats: counter.processor.stats() }, 'runner stopped');
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
