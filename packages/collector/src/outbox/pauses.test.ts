import { describe, expect, it } from 'vitest';
import { relayKindRegistry } from '../relay-kinds.js';
import { blackout } from '../time/calendar.js';
import { pauseWindows } from './pauses.js';

const SKEW_MS = 45_000;
const HOUR_MS = 3_600_000;

describe('the pause windows a claim is given', () => {
  const windows = pauseWindows(relayKindRegistry());

  it.each([
    ['2026-06', 'a CDT month'],
    ['2026-12', 'a CST month, ending on New Year’s Eve'],
  ])(
    'hold the blackout of %s (%s) from an instance on either side of its start or end',
    (period) => {
      const window = { name: 'blackout', ...blackout(period) };
      const { start, end } = window;
      // The store judges on its clock; this instance's may read 45 s either way of it.
      for (const now of [start - SKEW_MS, start, start + SKEW_MS, end - SKEW_MS, end + SKEW_MS]) {
        expect(windows(now)).toContainEqual(window);
      }
    },
  );

  it('hold the blackout just ended once the Chicago month has begun', () => {
    const window = { name: 'blackout', ...blackout('2026-06') };
    // Midnight in Chicago, hours after the blackout ended: the month is July there.
    expect(windows(window.end + 5 * HOUR_MS + SKEW_MS)).toContainEqual(window);
  });
});
