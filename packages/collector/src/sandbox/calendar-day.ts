import { MARKETPLACE_ZONE, wallTime } from '../usage/calendar.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** Whether `text` is a day of the calendar written `YYYY-MM-DD` (`2026-02-30` is not). */
export function isCalendarDay(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls an impossible day over to the next month: the round trip shows it.
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The day an instant falls on in Chicago, the marketplace's clock, as `YYYY-MM-DD`. */
export function chicagoDay(ms: number): string {
  const { year, month, day } = wallTime(ms, MARKETPLACE_ZONE);
  return `${year}-${pad(month)}-${pad(day)}`;
}

/**
 * Why a termination day the provider gives is refused, or null: it may not be before the
 * order's day nor after the day it is received, both in Chicago (`YYYY-MM-DD` strings
 * compare as the days they name).
 */
export function terminationDayProblem(day: string, orderedAt: number, now: number): string | null {
  const ordered = chicagoDay(orderedAt);
  if (day < ordered) return `expired-date ${day} is before the order’s day (${ordered}, Chicago)`;
  const today = chicagoDay(now);
  if (day > today)
    return `expired-date ${day} is after the day it was received (${today}, Chicago)`;
  return null;
}
