import { MARKETPLACE_ZONE, wallTime } from '../time/calendar.js';

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

const HOUR_MS = 3_600_000;

// The day an instant falls on `hours` from UTC: the earliest zone is UTC-12, the latest UTC+14.
const dayAtOffset = (ms: number, hours: number) =>
  new Date(ms + hours * HOUR_MS).toISOString().slice(0, 10);

/**
 * Why a termination day the provider gives is refused, or null. The provider writes the day
 * in its own billing zone, which the marketplace does not know: the day may not be before
 * the order's day anywhere on Earth (UTC-12) nor after the day it is received anywhere
 * (UTC+14). `YYYY-MM-DD` strings compare as the days they name.
 */
export function terminationDayProblem(day: string, orderedAt: number, now: number): string | null {
  const ordered = dayAtOffset(orderedAt, -12);
  if (day < ordered)
    return `expired-date ${day} is before the order’s day (${ordered} in the earliest zone, UTC-12)`;
  const today = dayAtOffset(now, 14);
  if (day > today)
    return `expired-date ${day} is after the day it was received (${today} in the latest zone, UTC+14)`;
  return null;
}
