// A stand-in for the study's worker (src/study/worker.ts) in the lanes' tests: its `serve`
// answers each chunk on the lane with the chunk's first byte and this thread's id, and
// exits the thread on a chunk whose first byte is 255.
import { threadId } from 'node:worker_threads';
import workerpool from 'workerpool';

function serve(port) {
  return new Promise(() => {
    port.on('message', ({ configs }) => {
      if (configs[0] === 255) process.exit(3);
      port.postMessage({ outcomes: [], bytes: new Uint8Array(0), ends: [threadId], ms: configs[0] });
    });
  });
}

workerpool.worker({ serve });
