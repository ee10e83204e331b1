// A replay worker that exits on its first batch, as one would on a fatal error.
import process from 'node:process';
import { parentPort } from 'node:worker_threads';

parentPort.on('message', () => process.exit(3));
