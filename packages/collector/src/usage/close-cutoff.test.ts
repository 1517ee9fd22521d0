import { describe, expect, it } from 'vitest';
import { checkedCalendar } from '../config.js';
import { blackout } from '../time/calendar.js';
import { closeCutoff, findLateClose } from './close-cutoff.js';

const at = (iso: string) => Date.parse(iso);
const NOW = at('2027-01-15T12:00:00Z');
const TWO = { hour: 14, minute: 0 };

describe('the close cutoff: 15:30 Chicago time on the last day', () => {
  it('is an instant in Chicago, in standard and in daylight time', () => {
    expect(closeCutoff('2027-01')).toBe(at('2027-01-31T21:30:00Z'));
    expect(closeCutoff('2027-03')).toBe(at('2027-03-31T20:30:00Z'));
  });

  it('comes before the blackout in every month, whichever reading starts it', () => {
    for (const period of ['2027-01', '2027-03', '2027-06', '2027-10', '2027-11', '2027-12']) {
      expect(blackout(period).start - closeCutoff(period)).toBe(15 * 60_000);
    }
  });
});

describe('findLateClose', () => {
  it.each([
    ['America/Chicago', TWO],
    ['America/Chicago', { hour: 15, minute: 30 }],
    ['America/New_York', TWO],
    ['UTC', TWO],
    ['Europe/Berlin', TWO],
    ['America/Los_Angeles', { hour: 13, minute: 30 }],
    ['Pacific/Honolulu', { hour: 10, minute: 30 }],
  ])('finds no late month in %s at %o', (zone, closeAt) => {
    expect(findLateClose(zone, closeAt, NOW)).toBeNull();
  });

  it('finds Los Angeles at 14:00 late in its first month: 22:00Z, inside the blackout', () => {
    const late = findLateClose('America/Los_Angeles', TWO, NOW);
    expect(late).toEqual({
      period: '2027-01',
      close: at('2027-01-31T22:00:00Z'),
      cutoff: at('2027-01-31T21:30:00Z'),
      latest: { hour: 13, minute: 30 },
    });
    const window = blackout('2027-01');
    expect(late && late.close >= window.start && late.close < window.end).toBe(true);
    expect(findLateClose('America/Los_Angeles', { hour: 13, minute: 31 }, NOW)?.period).toBe(
      '2027-01',
    );
  });

  it('finds Honolulu late, and asks for its summer cutoff (10:30, Chicago on CDT)', () => {
    expect(findLateClose('Pacific/Honolulu', TWO, NOW)).toMatchObject({
      period: '2027-01',
      latest: { hour: 10, minute: 30 },
    });
    // 11:00 is on time while Chicago is on CST, late from March's month-end (CDT).
    expect(findLateClose('Pacific/Honolulu', { hour: 11, minute: 0 }, NOW)?.period).toBe('2027-03');
  });

  it('finds a zone without daylight time late in the first month Chicago is on CDT', () => {
    // Phoenix is UTC-7 all year: 14:00 there is 15:00 CST but 16:00 CDT.
    expect(findLateClose('America/Phoenix', TWO, NOW)).toMatchObject({
      period: '2027-03',
      close: at('2027-03-31T21:00:00Z'),
      cutoff: at('2027-03-31T20:30:00Z'),
      latest: { hour: 13, minute: 30 },
    });
    // From November on it would be on time until March: the whole 24 months are checked.
    expect(findLateClose('America/Phoenix', TWO, at('2027-11-15T12:00:00Z'))?.period).toBe(
      '2028-03',
    );
  });

  it('counts from the period the billing zone is in, not the UTC one', () => {
    // 23:30 in Los Angeles on Jan 31 is Feb 1 in UTC; January's close is past there.
    expect(findLateClose('America/Los_Angeles', TWO, at('2027-02-01T07:30:00Z'))?.period).toBe(
      '2027-01',
    );
  });
});

describe('checkedCalendar', () => {
  it('names the month, the close in Chicago and a close that works', () => {
    expect(() => checkedCalendar('America/Phoenix', TWO, NOW)).toThrow(
      "CLM_USAGE_CLOSE_AT 14:00 in America/Phoenix closes 2027-03 at 16:00 Chicago time (2027-03-31T21:00:00.000Z), after the marketplace's cutoff of 15:30 Chicago time on the month's last day; a close at 13:30 or earlier works in every month of the next 24",
    );
    expect(checkedCalendar('America/Phoenix', { hour: 13, minute: 30 }, NOW)).toEqual({
      zone: 'America/Phoenix',
      closeAt: { hour: 13, minute: 30 },
    });
  });
});
