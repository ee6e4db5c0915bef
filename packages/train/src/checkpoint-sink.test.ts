import { describe, expect, it } from 'vitest';
import { MemoryCheckpointSink, type CheckpointRecord } from './checkpoint-sink.js';
import type { CheckpointState } from './checkpoint.js';

const record = (epoch: number, step: number, fill: number): CheckpointRecord => ({
  state: { format: 'cnn-train-checkpoint', version: 1, epoch, step, globalStep: epoch * 10 + step, rng: [1, 2, 3, 4], optimizer: {} as CheckpointState['optimizer'], config: { lr: 0.1 }, time: 'now' },
  modelBytes: new Uint8Array(4).fill(fill),
  optimizerBytes: new Uint8Array(2).fill(fill),
});

describe('MemoryCheckpointSink', () => {
  it('keeps the newest `keep` checkpoints and hands out the newest, as copies', async () => {
    const sink = new MemoryCheckpointSink();
    expect(await sink.loadLatest()).toBeNull();
    const r = record(0, 3, 7);
    expect(await sink.save(r, 2)).toBe('memory#0-3');
    r.modelBytes.fill(0); // the caller's buffers are not the stored ones
    (r.state.config as { lr: number }).lr = 9;
    await sink.save(record(1, 0, 8), 2);
    await sink.save(record(1, 2, 9), 2);
    expect(sink.size).toBe(2);
    const latest = await sink.loadLatest();
    expect(latest).toMatchObject({ path: 'memory#1-2', modelPath: 'memory#1-2 weights', optimizerPath: 'memory#1-2 optimizer', finished: false, state: { epoch: 1, step: 2 } });
    expect(Array.from(latest!.modelBytes)).toEqual([9, 9, 9, 9]);
    latest!.modelBytes.fill(1);
    expect(Array.from((await sink.loadLatest())!.modelBytes)).toEqual([9, 9, 9, 9]);
    await sink.save(record(0, 1, 5), 1);
    expect(sink.size).toBe(1);
  });

  it('markFinished marks the newest; the next save clears it; with nothing saved it is an error', async () => {
    const sink = new MemoryCheckpointSink('tab');
    await expect(sink.markFinished()).rejects.toThrow('tab: no checkpoint to mark as finished');
    await sink.save(record(2, 0, 1), 2);
    await sink.markFinished();
    expect((await sink.loadLatest())!.finished).toBe(true);
    await sink.save(record(2, 1, 1), 2);
    expect((await sink.loadLatest())!.finished).toBe(false);
  });
});
