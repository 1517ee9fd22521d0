import { describe, expect, it } from 'vitest';
import { createPump } from './pump.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('createPump', () => {
  it('runs one step at a time, again while more is due or a pump came meanwhile', async () => {
    let active = 0;
    let most = 0;
    const steps: number[] = [];
    let release: () => void = () => {};
    const more = [true, true, false];
    const loop = createPump(
      async () => {
        active++;
        most = Math.max(most, active);
        steps.push(steps.length);
        if (steps.length === 4) await new Promise<void>((resolve) => (release = resolve));
        active--;
        return more.shift() ?? false;
      },
      { pollMs: 60_000, onError: () => {} },
    );
    loop.start();
    await tick();
    // Two steps said more was due, the third did not: three, then the loop waits a poll.
    expect(steps).toEqual([0, 1, 2]);
    loop.pump();
    loop.pump();
    loop.pump();
    await tick();
    // A step is running (held): the pumps meanwhile ask for one more step, not three.
    expect(steps).toEqual([0, 1, 2, 3]);
    release();
    await tick();
    expect(steps).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(1);
    await loop.stop();
    loop.pump();
    await tick();
    expect(steps).toHaveLength(5);
  });

  it('reports a step that throws and goes on at the next poll', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const loop = createPump(
      async () => {
        calls++;
        if (calls === 1) throw new Error('database gone');
        return false;
      },
      { pollMs: 10, onError: (error) => errors.push(error) },
    );
    loop.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await loop.stop();
    expect(errors).toEqual([new Error('database gone')]);
    expect(calls).toBeGreaterThan(1);
  });
});
