import {
  closeTime,
  daysIn,
  MARKETPLACE_ZONE,
  nextPeriod,
  type Period,
  parsePeriod,
  periodOf,
  type TimeOfDay,
  wallTime,
  zonedTime,
} from '../time/calendar.js';

/**
 * The latest a period may close: 15:30 Chicago time on the month's last day in Chicago,
 * a quarter of an hour before the marketplace's blackout starts (15:45 read as Chicago
 * wall time, the earlier of its two readings), so a report sent at the close arrives first.
 */
export const CLOSE_CUTOFF: TimeOfDay = { hour: 15, minute: 30 };

/** How many months ahead a close is checked against the cutoff (DST shifts differ by zone). */
export const CUTOFF_MONTHS = 24;

/** A month whose close comes after the cutoff. */
export interface LateClose {
  period: Period;
  /** The close and the cutoff of that month (ms). */
  close: number;
  cutoff: number;
  /** The latest close (wall time in the billing zone) on time in every month checked. */
  latest: TimeOfDay;
}

/** The cutoff of a period's month: 15:30 on its last day in Chicago. */
export function closeCutoff(period: Period): number {
  const { year, month } = parsePeriod(period);
  return zonedTime({ year, month, day: daysIn(period) }, CLOSE_CUTOFF, MARKETPLACE_ZONE);
}

const minutesOf = ({ hour, minute }: TimeOfDay) => hour * 60 + minute;

// The cutoff read as a wall time on the billing zone's last day of the month; null when it
// falls on another day there (a zone far east of Chicago), where every close is on time.
function cutoffWallTime(period: Period, zone: string): TimeOfDay | null {
  const wall = wallTime(closeCutoff(period), zone);
  const { year, month } = parsePeriod(period);
  if (wall.year !== year || wall.month !== month || wall.day !== daysIn(period)) return null;
  return { hour: wall.hour, minute: wall.minute };
}

/**
 * The first of the {@link CUTOFF_MONTHS} months from the one `now` falls in whose close
 * (`closeAt` on the last day, in `zone`) is an instant after that month's cutoff, or null
 * when every close is on time. Compared as instants, not as wall times: 14:00 in Los
 * Angeles is 16:00 in Chicago.
 */
export function findLateClose(zone: string, closeAt: TimeOfDay, now: number): LateClose | null {
  let late: Omit<LateClose, 'latest'> | null = null;
  let latest: TimeOfDay = { hour: 23, minute: 59 };
  let period = periodOf(now, zone);
  for (let i = 0; i < CUTOFF_MONTHS; i++, period = nextPeriod(period)) {
    const close = closeTime(period, zone, closeAt);
    const cutoff = closeCutoff(period);
    if (late === null && close > cutoff) late = { period, close, cutoff };
    const onTime = cutoffWallTime(period, zone);
    if (onTime && minutesOf(onTime) < minutesOf(latest)) latest = onTime;
  }
  return late && { ...late, latest };
}
