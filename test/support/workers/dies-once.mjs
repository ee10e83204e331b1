// A frame worker that dies on its first batch, as one would on a fatal error; its replacement
// (started by the pool) answers every batch with one key per frame.
import { existsSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { parentPort, workerData } from 'node:worker_threads';

parentPort.on('message', (req) => {
  if (!existsSync(workerData.marker)) {
    writeFileSync(workerData.marker, 'died');
    process.exit(3);
  }
  const keys = Array.from(req.frames.ends, (_, i) => `k${i}`);
  const values = new ArrayBuffer(0);
  parentPort.postMessage({ id: req.id, results: { values, valueEnds: new Int32Array(keys.length), keys, failures: [] } }, [values]);
});
