import { loadConfig } from '../config/schema.js';
import { VigilError } from '../../core/errors/index.js';
import { logger, startOpsServer } from '../../core/telemetry/index.js';
import { parseArgs } from '../args.js';
import { STAGES, startStages, type StageName } from '../stages.js';
import { pipelineReadiness } from '../readiness.js';
import { startConfiguredApi } from '../api.js';

const log = logger('cli');

/** `vigil run --config vigil.yaml [--stage ingest|detect|respond|sink]` — until SIGTERM or SIGINT. */
export async function run(argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, { flags: ['config', 'stage'] as const });
  const config = loadConfig(flags.config ?? 'vigil.yaml');
  let only: StageName[] = [...STAGES];
  if (flags.stage) {
    const asked = flags.stage.split(',');
    const bad = asked.filter((s) => !(STAGES as readonly string[]).includes(s));
    if (bad.length) throw new VigilError('CLI_USAGE', `unknown stage ${bad.join(', ')}; stages are ${STAGES.join(', ')}`);
    only = asked as StageName[];
  }
  const readiness = pipelineReadiness(config, only);
  const ops = await startOpsServer(config.ops.host, config.ops.port, { ready: () => readiness.report() });
  log.info({ port: ops.port }, 'ops server: /metrics, /health/live and /health/ready');
  const pipeline = await startStages(config, only).catch(async (err: unknown) => {
    // The probes' own Redis and Elasticsearch clients would keep the process alive.
    await readiness.close();
    await ops.close();
    throw err;
  });
  readiness.started(pipeline.bus);
  const api = await startConfiguredApi(config, pipeline.bus).catch(async (err: unknown) => {
    await pipeline.close();
    await readiness.close();
    await ops.close();
    throw err;
  });

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        // A second signal means "now": what is not committed is re-read after the restart.
        log.warn({ signal }, 'second signal: exiting without draining');
        process.exit(130);
      }
      stopping = true;
      log.info({ signal }, 'shutting down: draining in-flight work');
      readiness.stopping();
      // The API first: it publishes through the pipeline's bus.
      Promise.resolve(api?.close())
        .catch((err: unknown) => log.error({ err: String(err) }, 'API failed to close'))
        .then(() => pipeline.close())
        .then(resolve, resolve);
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
  await readiness.close();
  await ops.close();
  return 0;
}
