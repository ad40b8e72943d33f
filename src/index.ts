// Public API of timescales: the default entry (Node, Deno, Bun, and any bundler without
// the `browser` condition).
export * from './api.js';
// Node only: studies on worker threads into a resumable folder (node:worker_threads and
// node:fs are reached at call time, so importing this entry elsewhere still works).
export { study, type StudyOptions, type StudyOutcome, type StudyProgress, type Shard } from './study/node.js';
