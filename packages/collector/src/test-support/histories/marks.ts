import { blackoutOf, chicagoLastDayAt, chicagoMonth, closeOf, followingMonth } from './chicago.js';

import type { Mark } from './steps.js';

const MINUTE = 60_000;

// The instant of a mark in one month.
function markIn(period: string, mark: Mark): number {
  const blackout = blackoutOf(period);
  switch (mark) {
    case 'beforeClose':
      return closeOf(period) - 1000;
    case 'afterClose':
      return closeOf(period) + 1000;
    case 'beforeBlackout':
      return blackout.start - 1000;
    case 'blackoutStart':
      return blackout.start;
    case 'inBlackout':
      return blackout.start + 30 * MINUTE;
    case 'lateBlackout':
      return chicagoLastDayAt(period, 18, 30);
    case 'afterBlackout':
      return blackout.end;
    case 'nextMonth':
      return blackout.end + 7 * 60 * MINUTE;
    case 'midMonth':
      return closeOf(period) - 15 * 24 * 60 * MINUTE;
  }
}

/** Where an `advance` step takes the clock from `now`: always forward. */
export function advanceTo(now: number, to: Mark | { minutes: number }): number {
  if (typeof to !== 'string') return now + to.minutes * MINUTE;
  const here = chicagoMonth(now);
  const target = markIn(here, to);
  return target > now ? target : markIn(followingMonth(here), to);
}

/**
 * The instants between `from` and `to` (both excluded) at which a running collector acts
 * by itself: each month's close and each blackout's end.
 */
export function waypoints(from: number, to: number): number[] {
  const found: number[] = [];
  for (
    let period = chicagoMonth(from);
    period <= chicagoMonth(to);
    period = followingMonth(period)
  ) {
    found.push(closeOf(period), blackoutOf(period).end);
  }
  return found.filter((at) => at > from && at < to).sort((a, b) => a - b);
}
