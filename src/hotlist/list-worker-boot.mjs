// Worker entry (the list and index workers): registers tsx so the TypeScript worker runs in the worker thread as in the main one.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
