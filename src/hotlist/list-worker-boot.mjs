// Worker entry: registers tsx so the TypeScript list worker runs in the worker thread as in the main one.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
