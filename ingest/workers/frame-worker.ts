/**
 * A frame worker's thread: batches of frames in, serialized event records and failure reasons
 * out, through the same `ingestFrame` the main thread uses for small batches.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../../core/errors/index.js';
import { logger } from '../../core/telemetry/index.js';
import { openSharedDatabases } from '../enrich/geoip/databases.js';
import { GeoipLookup } from '../enrich/geoip/lookup.js';
import { ingestFrame, type FrameContext } from '../frame-to-record.js';
import { SharedIndicatorIndex } from '../enrich/intel/frame.js';
import { unpackFrames, ValueWriter, type PackedResults } from './codec.js';
import type { BatchReply, BatchRequest, FrameWorkerData, IntelUpdate } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('frame-worker.ts runs as a worker thread');
const { input, geoip: databases, intel: sharedIndex } = workerData as FrameWorkerData;

let lookupFailures = 0;
const geoip = databases ? openGeoip(databases) : undefined;

/**
 * This thread's own lookup and cache, over the databases the main thread opened (their memory is
 * shared, their objects are not). The main thread checked them before any input listened, so
 * failing here is unlikely; if it does, the batches go back unenriched and the publisher wrapper
 * enriches them on the main thread.
 */
function openGeoip(d: NonNullable<FrameWorkerData['geoip']>): GeoipLookup | undefined {
  try {
    const { geo, asn } = openSharedDatabases(d);
    return new GeoipLookup(geo, asn, d.cacheSize, () => lookupFailures++);
  } catch (err) {
    logger('frame-workers').warn({ input: input.id, err: errorMessage(err) }, 'GeoIP databases did not open in a frame worker');
    return undefined;
  }
}

/** The indicator index in force, swapped by the main thread's `IntelUpdate` messages (see ingest/enrich/intel/frame.ts). */
const intel = sharedIndex ? { current: new SharedIndicatorIndex(sharedIndex) } : undefined;

/** Bytes of serialized events per byte of frames, as last seen (within 1 and MAX_GROWTH). */
let growth = 4;
const MAX_GROWTH = 8;

function run(req: BatchRequest): PackedResults {
  const frames = unpackFrames(req.frames);
  const ctx: FrameContext = { input, receivedAt: new Date(req.receivedAt), geoip, intel };
  const failedBefore = lookupFailures;
  let added = 0;
  let threats = 0;
  // Room for the batch's events at the ratio of the last batch (events are some four times the
  // size of their lines, event.original included), so that the buffer rarely grows by a copy.
  const writer = new ValueWriter(Math.ceil(req.frames.bytes.byteLength * growth * 1.2) + 4096);
  const keys: string[] = [];
  const failures: PackedResults['failures'] = [];
  frames.forEach((f, index) => {
    const r = ingestFrame(f, ctx);
    if (r.ok) {
      if (r.geoipAdded) added++;
      if (r.intelAdded) threats++;
      writer.push(r.record.value as string);
      keys.push(r.record.key as string);
    } else {
      failures.push({ index, code: r.letter.code, reason: r.letter.reason });
    }
  });
  // Bounded: a batch of tiny lines (a fixed ~700 bytes of ECS each) must not make the next batch,
  // of long lines, reserve dozens of times its size.
  if (req.frames.bytes.byteLength > 0 && writer.size > 0)
    growth = Math.min(MAX_GROWTH, Math.max(1, writer.size / req.frames.bytes.byteLength));
  return {
    ...writer.finish(),
    keys,
    failures,
    ...(geoip && { geoip: { added, lookupFailures: lookupFailures - failedBefore } }),
    ...(intel && { intel: { added: threats } }),
  };
}

port.on('message', (req: BatchRequest | IntelUpdate) => {
  if ('intel' in req) {
    if (intel) intel.current = new SharedIndicatorIndex(req.intel);
    return;
  }
  let reply: BatchReply;
  try {
    reply = { id: req.id, results: run(req) };
  } catch (err) {
    reply = { id: req.id, error: errorMessage(err) };
  }
  port.postMessage(reply, 'results' in reply ? [reply.results.values] : []);
});
