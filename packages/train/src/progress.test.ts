import { PassThrough } from 'node:stream';
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

describe("Progress ('auto'): a live bar on a terminal, plain lines otherwise", () => {
  const run = (isTTY: boolean): { text: string; lines: string[] } => {
    const stream = Object.assign(new PassThrough(), { isTTY, columns: 160 });
    let text = '';
    stream.on('data', (d: Buffer) => (text += d.toString()));
    const lines: string[] = [];
    const p = new Progress('auto', undefined, isTTY ? undefined : (l) => lines.push(l), stream);
    p.startEpoch(1, 3, 20);
    for (let s = 1; s <= 20; s++) p.update(s, { loss: 0.75, accuracy: 0.5, lr: 0.05, imagesPerSecond: 321.5 });
    p.endEpoch();
    return { text, lines };
  };
  it('draws the bar (images/s, loss, accuracy, lr, ETA) on the stream it checked, when that is a TTY', () => {
    const { text } = run(true);
    expect(text).toContain('epoch 2/3');
    expect(text).toContain('20/20');
    expect(text).toContain('321.5 img/s');
    expect(text).toContain('loss 0.7500');
    expect(text).toContain('acc 50.0%');
    expect(text).toContain('lr 0.0500');
    expect(text).toContain('ETA');
  });
  it('writes plain lines, and no bar, when the stream is not a TTY', () => {
    const { text, lines } = run(false);
    expect(text).toBe('');
    expect(lines).toHaveLength(10);
    expect(lines.at(-1)).toBe('epoch 2/3 step 20/20 loss 0.7500 acc 50.0% lr 0.0500 321.5 img/s');
  });
});
