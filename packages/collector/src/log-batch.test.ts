import { describe, expect, it } from 'vitest';
import { batchLines } from './log.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('batchLines', () => {
  it('writes the lines of one tick together, in order, once the tick is over', async () => {
    const writes: string[] = [];
    const out = batchLines({ write: (chunk) => writes.push(chunk) });
    out.write('a\n');
    out.write('b\n');
    // Promise callbacks of the same tick (a batch of committed beacons) join the same write.
    await Promise.resolve().then(() => out.write('c\n'));
    expect(writes).toEqual([]);
    await tick();
    expect(writes).toEqual(['a\nb\nc\n']);
    out.write('d\n');
    await tick();
    expect(writes).toEqual(['a\nb\nc\n', 'd\n']);
  });
});
