import { Worker } from 'node:worker_threads';
import { VigilError } from '../../core/errors/index.js';
import { logger } from '../../core/telemetry/index.js';
import { packFrames, type Frame, type PackedResults } from './codec.js';
import type { SharedIndexData } from '../enrich/intel/frame.js';
import type { BatchReply, BatchRequest, FrameWorkerData, IntelUpdate } from './protocol.js';

const log = logger('frame-workers');

export interface FramePool {
  /** Parses, normalizes and serializes `frames` on a worker thread. Rejects if the worker dies meanwhile. */
  run(frames: readonly Frame[], receivedAt: Date): Promise<PackedResults>;
  /** Every batch run from now on is enriched with this indicator index (workers started later too). */
  updateIntel(index: SharedIndexData): void;
  close(): Promise<void>;
}

interface Pending {
  resolve: (r: PackedResults) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * `size` worker threads for one input, so that parsing and serializing use more than the main
 * thread's core. A batch goes to the worker with the fewest batches outstanding; a worker that
 * dies fails its batches (their senders are not acknowledged and resend) and is replaced.
 */
export function createFramePool(
  size: number,
  initial: FrameWorkerData,
  /** The worker's script; tests give one that misbehaves. */
  script: URL = new URL('./bootstrap.mjs', import.meta.url),
): FramePool {
  let nextId = 0;
  let closing = false;
  let data = initial;

  const spawn = (): Slot => {
    const worker = new Worker(script, { workerData: data, execArgv: [] });
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (reply: BatchReply) => {
      const p = slot.pending.get(reply.id);
      if (!p) return;
      slot.pending.delete(reply.id);
      if ('error' in reply) p.reject(new VigilError('PARSE_FAILED', `frame worker failed a batch: ${reply.error}`));
      else p.resolve(reply.results);
    });
    worker.on('error', (err) => log.error({ err: String(err), input: data.input.id }, 'frame worker crashed'));
    worker.on('exit', (code) => {
      for (const p of slot.pending.values()) {
        p.reject(new VigilError('SERVICE_UNAVAILABLE', `frame worker of input ${data.input.id} exited (code ${code})`));
      }
      slot.pending.clear();
      const at = slots.indexOf(slot);
      if (!closing && at >= 0) slots[at] = spawn();
    });
    // Idle workers must not keep the process alive.
    worker.unref();
    return slot;
  };
  const slots: Slot[] = Array.from({ length: size }, spawn);

  return {
    run(frames, receivedAt) {
      if (closing) return Promise.reject(new VigilError('SERVICE_UNAVAILABLE', 'frame workers are closed'));
      let slot = slots[0] as Slot;
      for (const s of slots) if (s.pending.size < slot.pending.size) slot = s;
      const id = nextId++;
      const packed = packFrames(frames);
      const req: BatchRequest = { id, receivedAt: receivedAt.getTime(), frames: packed };
      return new Promise<PackedResults>((resolve, reject) => {
        slot.pending.set(id, { resolve, reject });
        slot.worker.postMessage(req, [packed.bytes]);
      });
    },
    updateIntel(index) {
      data = { ...data, intel: index };
      const update: IntelUpdate = { intel: index };
      for (const s of slots) s.worker.postMessage(update);
    },
    async close() {
      closing = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
