/**
 * The history model's own reading of the marketplace calendar, written from the contract
 * (PRODUCT.md) and not from `time/calendar.ts`: a model that reused the code under test
 * would agree with its bugs. Chicago wall time comes from `Intl`; an instant of a wall time
 * is found by trying the two offsets Chicago uses (CST −6 h, CDT −5 h).
 */

const CHICAGO = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/Chicago',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
});

const HOUR = 3_600_000;

/** Chicago wall time of an instant. */
export function chicago(ms: number) {
  const parts: Record<string, number> = {};
  for (const part of CHICAGO.formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return parts as { year: number; month: number; day: number; hour: number; minute: number };
}

/** `YYYY-MM` of a year and month. */
export const monthKey = (year: number, month: number) =>
  `${year}-${String(month).padStart(2, '0')}`;

/** The Chicago month (`YYYY-MM`) of an instant: the billing period of usage then. */
export const chicagoMonth = (ms: number) => {
  const { year, month } = chicago(ms);
  return monthKey(year, month);
};

/** The month after `period`. */
export function followingMonth(period: string): string {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return month === 12 ? monthKey(year + 1, 1) : monthKey(year, month + 1);
}

const lastDay = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** The instant Chicago's clocks show `hour:minute` on the last day of `period`. */
export function chicagoLastDayAt(period: string, hour: number, minute: number): number {
  const [year, month] = period.split('-').map(Number) as [number, number];
  const day = lastDay(year, month);
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // No month ends on a clock change, so exactly one of the two offsets reads back.
  for (const offset of [5 * HOUR, 6 * HOUR]) {
    const w = chicago(wall + offset);
    if (w.day === day && w.hour === hour && w.minute === minute) return wall + offset;
  }
  throw new Error(`no Chicago instant for ${period} ${hour}:${minute}`);
}

/** The instant "CST" (UTC−6, all year) shows `hour:minute` on the last day of `period`. */
export function cstLastDayAt(period: string, hour: number, minute: number): number {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return Date.UTC(year, month - 1, lastDay(year, month), hour, minute) + 6 * HOUR;
}

/**
 * The blackout of `period`: 15:45 to 18:00 on its last day, read as Chicago wall time and
 * as UTC−6, from the earlier start to the later end.
 */
export function blackoutOf(period: string): { start: number; end: number } {
  return {
    start: Math.min(chicagoLastDayAt(period, 15, 45), cstLastDayAt(period, 15, 45)),
    end: Math.max(chicagoLastDayAt(period, 18, 0), cstLastDayAt(period, 18, 0)),
  };
}

/** Whether nothing may be reported at `ms`. */
export function inBlackout(ms: number): boolean {
  const { start, end } = blackoutOf(chicagoMonth(ms));
  return ms >= start && ms < end;
}

/** When `period` closes: 14:00 Chicago time on its last day (the default close). */
export const closeOf = (period: string) => chicagoLastDayAt(period, 14, 0);

/** The month of the marketplace's bill a report received at `ms` lands on. */
export function billMonth(ms: number): string {
  const month = chicagoMonth(ms);
  return ms >= blackoutOf(month).end ? followingMonth(month) : month;
}
