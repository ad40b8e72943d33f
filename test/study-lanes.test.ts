// The lanes that carry a study's chunks to its threads (src/study/lanes.ts), with a stand-in
// worker: answers come back in the order sent, chunks go to the lane with the fewest
// unanswered, a lane holds at most DEPTH, and a thread that dies fails its lane's chunks
// (the study then stops with that error) instead of leaving them waiting for ever.
import { fileURLToPath } from 'node:url';
import workerpool from 'workerpool';
import { afterEach, describe, expect, it } from 'vitest';
import { DEPTH, Lanes } from '../src/study/lanes.js';
import type { ChunkDone } from '../src/study/worker.js';

const script = fileURLToPath(new URL('./support/lane-worker.mjs', import.meta.url));
let pool: ReturnType<typeof workerpool.pool> | undefined;
afterEach(async () => { await pool?.terminate(true); });

const chunk = (tag: number) => new Uint8Array([tag]);

describe('study lanes', () => {
  it('answer in the order sent, each lane holding DEPTH chunks, spread evenly over the threads', async () => {
    pool = workerpool.pool(script, { minWorkers: 2, maxWorkers: 2, workerType: 'thread' });
    const lanes = new Lanes(pool, 2);
    const sent: Promise<ChunkDone>[] = [];
    for (let k = 1; k <= 2 * DEPTH; k++) {
      expect(lanes.room).toBe(true);
      sent.push(lanes.send(chunk(k), undefined, []));
    }
    expect(lanes.room).toBe(false);
    const answers = await Promise.all(sent);
    expect(answers.map((a) => a.ms)).toEqual([1, 2, 3, 4]);
    const threads = answers.map((a) => a.ends[0]);
    expect(threads[0]).toBe(threads[2]);
    expect(threads[1]).toBe(threads[3]);
    expect(threads[0]).not.toBe(threads[1]);
    expect(lanes.room).toBe(true);
  });

  it('fail the chunks of a thread that dies, and any sent to it later, and wake whoever waits for an answer', async () => {
    pool = workerpool.pool(script, { minWorkers: 1, maxWorkers: 1, workerType: 'thread' });
    const lanes = new Lanes(pool, 1);
    expect((await lanes.send(chunk(7), undefined, [])).ms).toBe(7);
    const woken = lanes.arrival();
    const dying = lanes.send(chunk(255), undefined, []);
    const behind = lanes.send(chunk(8), undefined, []);
    await expect(dying).rejects.toThrow(/terminated unexpectedly|exit code 3/i);
    await expect(behind).rejects.toThrow();
    await woken;
    // and a chunk sent to the lane afterwards fails at once, rather than waiting for ever
    await expect(lanes.send(chunk(9), undefined, [])).rejects.toThrow();
  });
});
