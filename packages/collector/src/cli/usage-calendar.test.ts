import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { captureIo, seedDatabase } from '../test-support/admin-db.js';
import { tempDir } from '../test-support/tmp.js';
import { closePeriodNow } from '../usage/close.js';
import { runCli } from './run.js';

function cli(env: Record<string, string>, now = Date.parse('2026-07-15T17:00:00Z')) {
  // No database unless the test makes one: the calendar alone, as before a first start.
  const { io, out } = captureIo({ CLM_DB: join(tempDir(), 'none.sqlite'), ...env });
  return { io: { ...io, clock: { now: () => now } }, out };
}

const rows = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => /^ {2}\d{4}-\d{2} /.test(line))
    .map((line) => line.trim().split(/\s{2,}/));

describe('clm-collector usage calendar', () => {
  it('prints the next 12 closes and blackouts in Chicago time and UTC', async () => {
    const { io, out } = cli({ CLM_BILLING_TZ: 'America/Chicago' });
    expect(await runCli(['usage', 'calendar'], io)).toBe(0);
    expect(out.stdout).toMatch(
      /^billing zone: America\/Chicago; each period closes at 14:00 on its last day\n/,
    );
    const printed = rows(out.stdout);
    expect(printed).toHaveLength(12);
    expect(printed.map((row) => row[0])).toEqual([
      '2026-07',
      '2026-08',
      '2026-09',
      '2026-10',
      '2026-11',
      '2026-12',
      '2027-01',
      '2027-02',
      '2027-03',
      '2027-04',
      '2027-05',
      '2027-06',
    ]);
    expect(printed[0]).toEqual([
      '2026-07',
      '2026-07-31 14:00 CDT',
      '2026-07-31T19:00Z',
      '2026-07-31 15:45 CDT – 19:00 CDT',
      '2026-07-31T20:45Z – 2026-08-01T00:00Z',
    ]);
    // Standard time: both readings of "CST" agree; February of a common year.
    expect(printed[7]).toEqual([
      '2027-02',
      '2027-02-28 14:00 CST',
      '2027-02-28T20:00Z',
      '2027-02-28 15:45 CST – 18:00 CST',
      '2027-02-28T21:45Z – 2027-03-01T00:00Z',
    ]);
    expect(printed[4]?.[2]).toBe('2026-11-30T20:00Z');
  });

  it('starts at the next period once this one has closed, and takes --count', async () => {
    const { io, out } = cli({}, Date.parse('2026-07-31T19:00:00Z'));
    expect(await runCli(['usage', 'calendar', '--count', '2'], io)).toBe(0);
    expect(rows(out.stdout).map((row) => row[0])).toEqual(['2026-08', '2026-09']);
  });

  it('prints another zone with its offset and another close time, also as JSON', async () => {
    const env = { CLM_BILLING_TZ: 'Europe/Berlin', CLM_USAGE_CLOSE_AT: '09:30' };
    const text = cli(env);
    expect(await runCli(['usage', 'calendar', '--count', '1'], text.io)).toBe(0);
    expect(rows(text.out.stdout)).toEqual([
      [
        '2026-07',
        '2026-07-31 09:30 GMT+2',
        '2026-07-31T07:30Z',
        '2026-07-31 22:45 GMT+2 – 2026-08-01 02:00 GMT+2',
        '2026-07-31T20:45Z – 2026-08-01T00:00Z',
      ],
    ]);
    const json = cli(env);
    expect(await runCli(['usage', 'calendar', '--count', '1', '--json'], json.io)).toBe(0);
    expect(JSON.parse(json.out.stdout)).toEqual({
      zone: 'Europe/Berlin',
      closeAt: '09:30',
      periods: [
        {
          period: '2026-07',
          close: '2026-07-31T07:30:00.000Z',
          closed: null,
          blackout: { start: '2026-07-31T20:45:00.000Z', end: '2026-08-01T00:00:00.000Z' },
        },
      ],
    });
  });

  it('exits 2 on a bad zone, close time or count', async () => {
    const cases: [Record<string, string>, string[], string][] = [
      [{ CLM_BILLING_TZ: 'Mars/Olympus' }, [], 'CLM_BILLING_TZ must be an IANA time zone'],
      [{ CLM_USAGE_CLOSE_AT: '16:00' }, [], 'CLM_USAGE_CLOSE_AT 16:00 in America/Chicago closes'],
      [
        { CLM_BILLING_TZ: 'America/Los_Angeles' },
        [],
        "after the marketplace's cutoff of 15:30 Chicago time",
      ],
      [{}, ['--count', '0'], 'must be a whole number from 1 to 120'],
    ];
    for (const [env, argv, message] of cases) {
      const { io, out } = cli(env);
      expect(await runCli(['usage', 'calendar', ...argv], io), message).toBe(2);
      expect(out.stderr).toContain(message);
    }
  });

  it('shows a period closed early as closed, when, and lists the next open period’s close', async () => {
    const db = join(tempDir(), 'collector.sqlite');
    const store = await seedDatabase(db, {});
    onTestFinished(() => store.close());
    const calendar = { zone: 'America/Chicago', closeAt: { hour: 14, minute: 0 } };
    const closedAt = Date.parse('2026-12-07T10:42:00Z');
    await closePeriodNow(store, calendar, { period: '2026-12', now: closedAt, early: true });

    const now = Date.parse('2026-12-08T09:00:00Z');
    const text = cli({ CLM_DB: db }, now);
    expect(await runCli(['usage', 'calendar', '--count', '2'], text.io)).toBe(0);
    expect(text.out.stdout).not.toContain('closed:       not known');
    expect(rows(text.out.stdout)).toEqual([
      [
        '2026-12',
        'closed 2026-12-07 04:42 CST (early)',
        'closed 2026-12-07T10:42Z',
        '2026-12-31 15:45 CST – 18:00 CST',
        '2026-12-31T21:45Z – 2027-01-01T00:00Z',
      ],
      [
        '2027-01',
        '2027-01-31 14:00 CST',
        '2027-01-31T20:00Z',
        '2027-01-31 15:45 CST – 18:00 CST',
        '2027-01-31T21:45Z – 2027-02-01T00:00Z',
      ],
      expect.arrayContaining(['2027-02']),
    ]);

    const json = cli({ CLM_DB: db }, now);
    expect(await runCli(['usage', 'calendar', '--count', '1', '--json'], json.io)).toBe(0);
    expect(JSON.parse(json.out.stdout).periods).toEqual([
      {
        period: '2026-12',
        closed: { at: '2026-12-07T10:42:00.000Z', early: true },
        blackout: { start: '2026-12-31T21:45:00.000Z', end: '2027-01-01T00:00:00.000Z' },
      },
      {
        period: '2027-01',
        close: '2027-01-31T20:00:00.000Z',
        closed: null,
        blackout: { start: '2027-01-31T21:45:00.000Z', end: '2027-02-01T00:00:00.000Z' },
      },
    ]);
  });

  it('says closes already made are not known without a database', async () => {
    const { io, out } = cli({}, Date.parse('2026-12-08T09:00:00Z'));
    expect(await runCli(['usage', 'calendar', '--count', '1'], io)).toBe(0);
    expect(out.stdout).toContain('closed:       not known (no collector database at ');
    expect(rows(out.stdout).map((row) => row[0])).toEqual(['2026-12']);
  });
});
