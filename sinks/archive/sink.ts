import type { Bus } from '../../core/bus/index.js';
import { VigilError } from '../../core/errors/index.js';
import { logger } from '../../core/telemetry/index.js';
import { startSinkRunner, type RunningSinkLoop } from '../runner/index.js';
import { runnerSettings } from '../runner/config.js';
import type { ArchiveSinkConfig } from './config.js';
import { createArchiveDeliver } from './deliver.js';
import { localStore, s3Store, type ObjectStore } from './store.js';
import { ArchiveWriter } from './writer.js';

export interface StartArchiveSinkOptions {
  sink: ArchiveSinkConfig;
  bus: Bus;
  /** Injectable for tests; default from `sink.path` or `sink.s3`. */
  store?: ObjectStore;
}

/** The store a config names: a local directory or an S3 bucket. */
export function archiveStore(sink: ArchiveSinkConfig): ObjectStore {
  if (sink.s3) return s3Store(sink.s3, sink.uploadRetries);
  if (sink.path !== undefined) return localStore(sink.path);
  throw new VigilError('SINK_CONFIG', `archive sink ${sink.id}: set \`path\` or \`s3\``, { location: { path: `sinks[${sink.id}]` } });
}

/** The archive sink on the shared runner: a record is committed once its object is durable. */
export async function startArchiveSink(opts: StartArchiveSinkOptions): Promise<RunningSinkLoop> {
  const { sink } = opts;
  const log = logger('sink', { id: sink.id, type: 'archive' });
  const store = opts.store ?? archiveStore(sink);
  const writer = new ArchiveWriter({
    sinkId: sink.id,
    prefix: sink.prefix,
    store,
    maxObjectBytes: sink.maxObjectBytes,
    rotateMs: sink.rotateSeconds * 1000,
    log,
  });
  try {
    return await startSinkRunner({
      ...runnerSettings(sink, 'archive'),
      bus: opts.bus,
      deliver: createArchiveDeliver(writer),
      log,
      onClose: async () => {
        await writer.flush();
        store.close();
      },
    });
  } catch (err) {
    store.close();
    throw err;
  }
}
