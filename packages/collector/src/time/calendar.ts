/**
 * The billing calendar: periods are calendar months in the billing zone (IANA, through
 * `Intl`; no offsets are written by hand), each closed at a wall time on its last day, and
 * the marketplace's month-end blackout in which no report may be sent.
 */

/** A billing period: `YYYY-MM`. */
export type Period = string;

/** A wall-clock time of day. */
export interface TimeOfDay {
  hour: number;
  minute: number;
}

/** The marketplace's clock: its cutoff and blackout are in Chicago time (seed 002). */
export const MARKETPLACE_ZONE = 'America/Chicago';

// Seed 002: no reports from 3:45 pm to 6:00 pm "CST" on the month's last day.
const BLACKOUT_FROM: TimeOfDay = { hour: 15, minute: 45 };
const BLACKOUT_UNTIL: TimeOfDay = { hour: 18, minute: 0 };
// "CST" read literally: UTC-6 all year.
const CST_OFFSET_MS = -6 * 3_600_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      // en-US names the US zones (CDT, EST) and writes others as an offset (GMT+2), which
      // is what an operator can check against the marketplace's "CST".
      timeZoneName: 'short',
    });
    formatters.set(zone, format);
  }
  return format;
}

/** Whether `zone` is an IANA zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock fields of an instant in a zone, and the zone's abbreviation or offset then. */
export function wallTime(ms: number, zone: string) {
  const parts = Object.fromEntries(
    formatter(zone)
      .formatToParts(new Date(ms))
      .map((part) => [part.type, part.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    zoneName: String(parts.timeZoneName),
  };
}

// The zone's offset from UTC at an instant, in ms (e.g. -5 h in Chicago in July).
function offsetAt(ms: number, zone: string): number {
  const w = wallTime(ms, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant a wall-clock time in `zone` names. In a gap (spring forward) the wall time is
 * moved forward by the gap's length (02:30 reads as 03:30), in an overlap (fall back) the
 * earlier of the two instants is taken: Temporal's "compatible" reading.
 */
export function zonedTime(
  date: { year: number; month: number; day: number },
  time: TimeOfDay,
  zone: string,
): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day, time.hour, time.minute);
  // Two passes settle on the offset in force at the result (the first guess may sit on
  // the other side of a change); the earlier candidate wins in an overlap.
  const first = wall - offsetAt(wall, zone);
  const second = wall - offsetAt(first, zone);
  const candidates = [first, second].filter((t) => {
    const w = wallTime(t, zone);
    return w.hour === time.hour && w.minute === time.minute && w.day === date.day;
  });
  if (candidates.length > 0) return Math.min(...candidates);
  // In a gap no instant shows that wall time; the later candidate is it pushed forward.
  return Math.max(first, second);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The period an instant falls in, in `zone`. */
export function periodOf(ms: number, zone: string): Period {
  const w = wallTime(ms, zone);
  return `${w.year}-${pad(w.month)}`;
}

/** Year and month (1-12) of a period. */
export function parsePeriod(period: Period): { year: number; month: number } {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (!match) throw new RangeError(`not a period (YYYY-MM): ${period}`);
  return { year: Number(match[1]), month: Number(match[2]) };
}

/** Whether a string is a period `YYYY-MM`. */
export const isPeriod = (value: string) => /^\d{4}-(0[1-9]|1[0-2])$/.test(value);

/** The period after (or, with `step` -1, before) `period`. */
export function nextPeriod(period: Period, step = 1): Period {
  const { year, month } = parsePeriod(period);
  const index = year * 12 + (month - 1) + step;
  return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}`;
}

/** The number of days in a period's month (leap years included). */
export function daysIn(period: Period): number {
  const { year, month } = parsePeriod(period);
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** When a period closes: `closeAt` on its last day, in `zone`. */
export function closeTime(period: Period, zone: string, closeAt: TimeOfDay): number {
  const { year, month } = parsePeriod(period);
  return zonedTime({ year, month, day: daysIn(period) }, closeAt, zone);
}

/**
 * The month-end blackout of a period's month: 15:45 to 18:00 on its last day read both as
 * Chicago wall time and as UTC-6, whichever starts earlier and ends later. In CST the two
 * agree; in CDT it runs from 15:45 CDT (20:45 UTC) to 18:00 CST (00:00 UTC).
 */
export function blackout(period: Period): { start: number; end: number } {
  const { year, month } = parsePeriod(period);
  const day = { year, month, day: daysIn(period) };
  const cst = (time: TimeOfDay) =>
    Date.UTC(year, month - 1, day.day, time.hour, time.minute) - CST_OFFSET_MS;
  return {
    start: Math.min(zonedTime(day, BLACKOUT_FROM, MARKETPLACE_ZONE), cst(BLACKOUT_FROM)),
    end: Math.max(zonedTime(day, BLACKOUT_UNTIL, MARKETPLACE_ZONE), cst(BLACKOUT_UNTIL)),
  };
}

/** The blackout `ms` falls in, if any. */
export function blackoutAt(ms: number): { start: number; end: number } | null {
  // The blackout lies on the Chicago month's last day; near midnight UTC the Chicago month
  // may still be the previous one, so both are checked.
  const here = periodOf(ms, MARKETPLACE_ZONE);
  for (const period of [here, nextPeriod(here, -1)]) {
    const window = blackout(period);
    if (ms >= window.start && ms < window.end) return window;
  }
  return null;
}

/** One period's close and blackout, for `clm-collector usage calendar` and the dashboard. */
export interface CalendarEntry {
  period: Period;
  close: number;
  blackout: { start: number; end: number };
}

/** The closes of `count` periods from `first` on, in `zone`. */
export function closesFrom(
  first: Period,
  count: number,
  zone: string,
  closeAt: TimeOfDay,
): CalendarEntry[] {
  const entries: CalendarEntry[] = [];
  for (let i = 0, period = first; i < count; i++, period = nextPeriod(period)) {
    entries.push({ period, close: closeTime(period, zone, closeAt), blackout: blackout(period) });
  }
  return entries;
}

/** The closes of the `count` periods from the one `now` falls in (or the next, once it closed). */
export function upcomingCloses(
  now: number,
  count: number,
  zone: string,
  closeAt: TimeOfDay,
): CalendarEntry[] {
  const current = periodOf(now, zone);
  const first = closeTime(current, zone, closeAt) <= now ? nextPeriod(current) : current;
  return closesFrom(first, count, zone, closeAt);
}
