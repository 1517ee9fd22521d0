import { afterEach, describe, expect, it } from 'vitest';
import {
  blackout,
  blackoutAt,
  closeTime,
  daysIn,
  nextPeriod,
  periodOf,
  upcomingCloses,
  zonedTime,
} from './calendar.js';

const CHICAGO = 'America/Chicago';
const TWO_PM = { hour: 14, minute: 0 };
const iso = (ms: number) => new Date(ms).toISOString();
const at = (text: string) => Date.parse(text);

describe('billing calendar', () => {
  it.each([
    // period, close (14:00 Chicago on the last day), blackout start, blackout end
    ['2026-01', '2026-01-31T20:00:00.000Z', '2026-01-31T21:45:00.000Z', '2026-02-01T00:00:00.000Z'], // CST, 31 days
    ['2026-02', '2026-02-28T20:00:00.000Z', '2026-02-28T21:45:00.000Z', '2026-03-01T00:00:00.000Z'], // common year
    ['2028-02', '2028-02-29T20:00:00.000Z', '2028-02-29T21:45:00.000Z', '2028-03-01T00:00:00.000Z'], // leap year
    ['2026-03', '2026-03-31T19:00:00.000Z', '2026-03-31T20:45:00.000Z', '2026-04-01T00:00:00.000Z'], // CDT since Mar 8
    ['2026-04', '2026-04-30T19:00:00.000Z', '2026-04-30T20:45:00.000Z', '2026-05-01T00:00:00.000Z'], // 30 days, CDT
    ['2026-07', '2026-07-31T19:00:00.000Z', '2026-07-31T20:45:00.000Z', '2026-08-01T00:00:00.000Z'], // CDT: the two readings differ
    ['2026-10', '2026-10-31T19:00:00.000Z', '2026-10-31T20:45:00.000Z', '2026-11-01T00:00:00.000Z'], // CDT, DST ends Nov 1
    ['2026-11', '2026-11-30T20:00:00.000Z', '2026-11-30T21:45:00.000Z', '2026-12-01T00:00:00.000Z'], // CST again
    ['2026-12', '2026-12-31T20:00:00.000Z', '2026-12-31T21:45:00.000Z', '2027-01-01T00:00:00.000Z'], // year end
  ])('%s closes at %s; blackout %s to %s', (period, close, start, end) => {
    expect(iso(closeTime(period, CHICAGO, TWO_PM))).toBe(close);
    const window = blackout(period);
    expect([iso(window.start), iso(window.end)]).toEqual([start, end]);
  });

  it('counts the days of each month', () => {
    expect(
      ['2026-01', '2026-02', '2028-02', '2100-02', '2000-02', '2026-04', '2026-12'].map(daysIn),
    ).toEqual([31, 28, 29, 28, 29, 30, 31]);
  });

  it('reads wall times across the DST changes: a gap moves forward by its length, an overlap takes the earlier', () => {
    // 2026-03-08 02:30 does not exist in Chicago: read as 03:30 CDT (Temporal's "compatible").
    expect(iso(zonedTime({ year: 2026, month: 3, day: 8 }, { hour: 2, minute: 30 }, CHICAGO))).toBe(
      '2026-03-08T08:30:00.000Z',
    );
    expect(iso(zonedTime({ year: 2026, month: 3, day: 8 }, { hour: 14, minute: 0 }, CHICAGO))).toBe(
      '2026-03-08T19:00:00.000Z',
    );
    // 2026-11-01 01:30 happens twice; the first is CDT.
    expect(
      iso(zonedTime({ year: 2026, month: 11, day: 1 }, { hour: 1, minute: 30 }, CHICAGO)),
    ).toBe('2026-11-01T06:30:00.000Z');
    expect(
      iso(zonedTime({ year: 2026, month: 11, day: 1 }, { hour: 14, minute: 0 }, CHICAGO)),
    ).toBe('2026-11-01T20:00:00.000Z');
  });

  it('closes in another billing zone by its own wall time', () => {
    // Berlin is on CEST from 2026-03-29: 14:00 on March 31 is 12:00 UTC.
    expect(iso(closeTime('2026-03', 'Europe/Berlin', TWO_PM))).toBe('2026-03-31T12:00:00.000Z');
    expect(iso(closeTime('2026-01', 'Asia/Tokyo', TWO_PM))).toBe('2026-01-31T05:00:00.000Z');
    expect(periodOf(at('2026-01-31T15:30:00Z'), 'Asia/Tokyo')).toBe('2026-02');
  });

  it('puts an instant in the period of its wall time in the zone', () => {
    expect(periodOf(at('2026-08-01T04:59:59Z'), CHICAGO)).toBe('2026-07');
    expect(periodOf(at('2026-08-01T05:00:00Z'), CHICAGO)).toBe('2026-08');
    expect(periodOf(at('2027-01-01T05:59:59Z'), CHICAGO)).toBe('2026-12');
    expect(nextPeriod('2026-12')).toBe('2027-01');
    expect(nextPeriod('2026-01', -1)).toBe('2025-12');
  });

  it('finds the blackout an instant falls in, near midnight UTC too', () => {
    expect(blackoutAt(at('2026-07-31T20:44:59Z'))).toBeNull();
    expect(blackoutAt(at('2026-07-31T20:45:00Z'))).toEqual(blackout('2026-07'));
    // 23:30 UTC is 18:30 CDT: after Chicago's 18:00, inside UTC-6's.
    expect(blackoutAt(at('2026-07-31T23:30:00Z'))).toEqual(blackout('2026-07'));
    expect(blackoutAt(at('2026-08-01T00:00:00Z'))).toBeNull();
    expect(blackoutAt(at('2026-07-30T21:00:00Z'))).toBeNull();
  });

  it('lists the next closes from now, skipping one already past', () => {
    const closes = upcomingCloses(at('2026-07-31T19:00:00Z'), 3, CHICAGO, TWO_PM);
    expect(closes.map((entry) => [entry.period, iso(entry.close)])).toEqual([
      ['2026-08', '2026-08-31T19:00:00.000Z'],
      ['2026-09', '2026-09-30T19:00:00.000Z'],
      ['2026-10', '2026-10-31T19:00:00.000Z'],
    ]);
  });

  describe('on a host running in another zone', () => {
    const original = process.env.TZ;
    afterEach(() => {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    });

    it.each(['Pacific/Kiritimati', 'America/Los_Angeles', 'UTC'])(
      'gives the same answers under TZ=%s',
      (zone) => {
        process.env.TZ = zone;
        expect(iso(closeTime('2026-07', CHICAGO, TWO_PM))).toBe('2026-07-31T19:00:00.000Z');
        expect(iso(blackout('2026-03').start)).toBe('2026-03-31T20:45:00.000Z');
        expect(periodOf(at('2026-08-01T04:59:59Z'), CHICAGO)).toBe('2026-07');
        // The host's zone really changed: local time is that zone's.
        const offsets: Record<string, number> = {
          'Pacific/Kiritimati': -840,
          'America/Los_Angeles': 480,
          UTC: 0,
        };
        expect(new Date(at('2026-01-15T00:00:00Z')).getTimezoneOffset()).toBe(offsets[zone]);
      },
    );
  });
});
