import { type TimeOfDay, wallTime } from '../time/calendar.js';

/** An instant as wall time in `zone` with the zone's abbreviation or offset: `2026-07-31 14:00 CDT`. */
export function zonedLabel(ms: number, zone: string): string {
  const { year, month, day, hour, minute, zoneName } = wallTime(ms, zone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${year}-${two(month)}-${two(day)} ${two(hour)}:${two(minute)} ${zoneName}`;
}

/** An instant in UTC to the minute: `2026-07-31T19:00Z`. */
export const utcLabel = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16)}Z`;

/** A window as `start – end`, the end's date left out when it is the start's. */
export function spanLabel(start: string, end: string): string {
  const [startDay] = start.split(/[ T]/);
  const [endDay] = end.split(/[ T]/);
  return `${start} – ${startDay === endDay ? end.slice((endDay ?? '').length + 1) : end}`;
}

/** `14:00`. */
export const timeOfDayLabel = ({ hour, minute }: TimeOfDay): string =>
  `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
