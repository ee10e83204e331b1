// A worker thread starts without the main thread's loader hooks: register tsx, then run the worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
