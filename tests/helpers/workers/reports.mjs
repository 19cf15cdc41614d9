// A bootstrap worker that reports an error the way the real one does (a message).
import { parentPort } from 'node:worker_threads';
parentPort.postMessage({ error: 'broken on purpose (a test)' });
