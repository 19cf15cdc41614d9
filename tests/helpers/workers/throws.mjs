// A bootstrap worker (src/io/bootstrap-worker.ts) that fails as it loads.
throw new Error('broken on purpose (a test)');
