import { describe, expect, it } from 'vitest';
import { Progress } from './progress.js';

describe('Progress (log mode)', () => {
  it('writes about ten lines per epoch, plus the last step, with loss, accuracy, lr and images/s', () => {
    const lines: string[] = [];
    const p = new Progress('log', undefined, (l) => lines.push(l));
    p.startEpoch(0, 3, 95);
    for (let s = 1; s <= 95; s++) p.update(s, { loss: 1.5, accuracy: 0.25, lr: 0.1, imagesPerSecond: 123.4 });
    p.endEpoch();
    expect(lines).toHaveLength(10); // steps 10, 20, …, 90 and 95
    expect(lines[0]).toBe('epoch 1/3 step 10/95 loss 1.5000 acc 25.0% lr 0.100 123.4 img/s');
    expect(lines.at(-1)).toContain('step 95/95');
  });
  it("'none' writes nothing", () => {
    const lines: string[] = [];
    const p = new Progress('none', 1, (l) => lines.push(l));
    p.startEpoch(0, 1, 3);
    p.update(1, { loss: 1, accuracy: 1, lr: 1, imagesPerSecond: 1 });
    p.log('x');
    expect(lines).toEqual([]);
  });
});
