import type { TimeOfDay } from '../usage/calendar.js';

const formats = new Map<string, Intl.DateTimeFormat>();

function format(zone: string): Intl.DateTimeFormat {
  let found = formats.get(zone);
  if (!found) {
    // en-US names the US zones (CDT, EST) and writes others as an offset (GMT+2), which
    // is what an operator can check against the marketplace's "CST".
    found = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
    });
    formats.set(zone, found);
  }
  return found;
}

/** An instant as wall time in `zone` with the zone's abbreviation or offset: `2026-07-31 14:00 CDT`. */
export function zonedLabel(ms: number, zone: string): string {
  const parts = Object.fromEntries(
    format(zone)
      .formatToParts(new Date(ms))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${parts.timeZoneName}`;
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
