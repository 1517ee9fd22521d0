import { z } from 'zod';
import { ConfigError, type Env, parseEnv } from '../settings/env.js';
import { isTimeZone, MARKETPLACE_ZONE, type TimeOfDay, wallTime } from '../time/calendar.js';
import { CUTOFF_MONTHS, findLateClose } from './close-cutoff.js';

/** The billing calendar (a part of the collector's Config). */
export interface BillingConfig {
  /** IANA zone of the billing periods (`CLM_BILLING_TZ`). */
  zone: string;
  /** When a period closes on its last day, wall time in `zone` (`CLM_USAGE_CLOSE_AT`). */
  closeAt: TimeOfDay;
}

/** The billing calendar's variables. */
export const calendarVariables = {
  CLM_BILLING_TZ: z
    .string()
    .refine(isTimeZone, { error: 'must be an IANA time zone such as America/Chicago' })
    .default('America/Chicago'),
  CLM_USAGE_CLOSE_AT: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a time HH:MM' })
    .transform((value) => ({ hour: Number(value.slice(0, 2)), minute: Number(value.slice(3)) }))
    .default({ hour: 14, minute: 0 }),
};

/**
 * Reads only `CLM_BILLING_TZ` and `CLM_USAGE_CLOSE_AT` (for the `usage` commands). Throws a
 * {@link ConfigError}.
 */
export function loadBillingCalendar(env: Env = process.env): BillingConfig {
  const e = parseEnv(z.object(calendarVariables), env);
  return checkedCalendar(e.CLM_BILLING_TZ, e.CLM_USAGE_CLOSE_AT);
}

const hhmm = ({ hour, minute }: TimeOfDay) =>
  `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;

/**
 * The billing calendar, refused (a {@link ConfigError} naming the month and a close that
 * works) when in a month of the next {@link CUTOFF_MONTHS} its close is an instant after
 * 15:30 Chicago time on the last day: the marketplace's blackout starts at 15:45.
 */
export function checkedCalendar(zone: string, closeAt: TimeOfDay, now = Date.now()): BillingConfig {
  const late = findLateClose(zone, closeAt, now);
  if (late === null) return { zone, closeAt };
  const chicago = hhmm(wallTime(late.close, MARKETPLACE_ZONE));
  throw new ConfigError(
    `invalid configuration: CLM_USAGE_CLOSE_AT ${hhmm(closeAt)} in ${zone} closes ${late.period} ` +
      `at ${chicago} Chicago time (${new Date(late.close).toISOString()}), after the ` +
      `marketplace's cutoff of 15:30 Chicago time on the month's last day; a close at ` +
      `${hhmm(late.latest)} or earlier works in every month of the next ${CUTOFF_MONTHS}`,
  );
}
