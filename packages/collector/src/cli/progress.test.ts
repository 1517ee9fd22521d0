import { describe, expect, it } from 'vitest';
import { createProgress } from './progress.js';

describe('createProgress', () => {
  it('writes at most one line per interval, and the summary always', () => {
    let time = 0;
    const lines: string[] = [];
    const progress = createProgress((line) => lines.push(line), { now: () => time });
    let built = 0;
    const tick = (at: number) => {
      time = at;
      progress.tick(() => `step at ${at}`);
    };
    tick(0);
    tick(999);
    tick(1000);
    tick(1500);
    tick(2100);
    progress.tick(() => `${++built}`);
    progress.done('all done');
    expect(lines).toEqual(['step at 1000\n', 'step at 2100\n', 'all done\n']);
    // The message is only built when it is written.
    expect(built).toBe(0);
  });
});
