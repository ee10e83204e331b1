/**
 * A replay worker's thread: the rules loaded once, then batches of `vigil.events` record
 * values in and what `matchBatch` makes of them out (match.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../../core/errors/index.js';
import { loadRetroRules, RetroHunt } from '../../detections/engine/retro.js';
import { ParseCache } from '../../detections/sigma/parse-cache.js';
import { unpackFrames } from '../../ingest/workers/codec.js';
import { matchBatch } from './match.js';
import type { ReplayBatch, ReplayReply, ReplayWorkerData } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('cli/replay/worker.ts runs as a worker thread');
const data = workerData as ReplayWorkerData;
// The main thread saved the cache after loading the same rules: read here, never written.
const parseCache = data.cacheDir === undefined ? undefined : ParseCache.open(data.cacheDir, data.rules);
const retro = new RetroHunt(loadRetroRules(data.rules, { pipeline: data.pipeline, parseCache, lazyCompile: true }), new Date(data.now));

port.on('message', (batch: ReplayBatch | 'close') => {
  // Ends the thread as a process ends (profilers and the like flush), once the batches before are answered.
  if (batch === 'close') return port.close();
  let reply: ReplayReply;
  try {
    reply = {
      id: batch.id,
      results: matchBatch(
        retro,
        unpackFrames(batch.records).map((f) => f.raw),
      ),
    };
  } catch (err) {
    reply = { id: batch.id, error: errorMessage(err) };
  }
  port.postMessage(reply, 'results' in reply ? [reply.results.alerts, reply.results.kept] : []);
});
