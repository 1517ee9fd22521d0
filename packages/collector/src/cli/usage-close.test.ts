import { describe, expect, it } from 'vitest';
import { USAGE_NOW } from '../test-support/seed-usage.js';
import { fakeStdin, usageDatabase } from '../test-support/usage-db.js';
import { runCli } from './run.js';

const AFTER_JULY_CLOSE = Date.parse('2026-07-31T19:30:00Z');

describe('clm-collector usage close', () => {
  it('refuses a closed, a future, a not yet due or a malformed period with exit 2', async () => {
    const { cli, store } = await usageDatabase();
    const cases: [string[], string][] = [
      [['--period', '2026-06'], '2026-06 is closed already'],
      [['--period', '2026-08', '--early'], '2026-08 has not begun (it is 2026-07 now)'],
      [
        ['--period', '2026-07'],
        '2026-07 closes at 2026-07-31T19:00:00.000Z; use --early to close it now',
      ],
      [['--period', '07/2026'], '--period must be a month YYYY-MM, not "07/2026"'],
    ];
    for (const [argv, message] of cases) {
      const { io, out } = cli();
      expect(await runCli(['usage', 'close', ...argv], io), argv.join(' ')).toBe(2);
      expect(out.stderr).toBe(`clm-collector: ${message}\n`);
      expect(out.stdout).toBe('');
    }
    expect((await store.listClosedPeriods()).map((p) => p.period)).toEqual(['2026-06', '2026-05']);
  });

  it('closes the open period early with --early; later usage counts in the next', async () => {
    const { cli, store } = await usageDatabase();
    const { io, out } = cli();
    expect(await runCli(['usage', 'close', '--period', '2026-07', '--early', '--yes'], io)).toBe(0);
    expect(out.stdout).toBe(
      'closed 2026-07 early: 1 usage report queued\n' +
        'a running collector sends them at its next poll\n' +
        'later usage counts in 2026-08\n',
    );
    expect((await store.listClosedPeriods())[0]).toEqual({
      period: '2026-07',
      closedAt: USAGE_NOW,
      early: true,
    });
    const [july] = await store.usageLines({ period: '2026-07' });
    expect(july?.report?.status).toBe('pending');
    const relays = await store.listRelays({ status: 'pending' });
    expect(relays.find((r) => r.period === '2026-07')?.payload).toMatchObject({
      provisioningId: 'ord-a',
      productSku: 'SKU-A',
      usageCount: '0.3',
    });
    const [late] = await store.recordUsage([
      {
        eventId: 'evt-after-close',
        provisioningId: 'ord-a',
        sku: 'SKU-A',
        micros: 1_000_000n,
        occurredAt: USAGE_NOW,
        receivedAt: USAGE_NOW,
        period: '2026-07',
      },
    ]);
    expect(late).toEqual({ eventId: 'evt-after-close', result: 'recorded', period: '2026-08' });
  });

  it('closes a period whose close time has passed without --early, and not as early', async () => {
    for (const argv of [[], ['--early']]) {
      const { cli, store } = await usageDatabase();
      const { io, out } = cli({ now: AFTER_JULY_CLOSE });
      expect(await runCli(['usage', 'close', '--period', '2026-07', ...argv], io)).toBe(0);
      expect(out.stdout).toBe(
        'closed 2026-07: 1 usage report queued\na running collector sends them at its next poll\n',
      );
      expect((await store.listClosedPeriods())[0]).toMatchObject({
        period: '2026-07',
        early: false,
      });
    }
  });

  it('says when a period had no usage to report', async () => {
    const { cli } = await usageDatabase();
    const first = cli();
    const early = (period: string) => ['usage', 'close', '--period', period, '--early', '--yes'];
    expect(await runCli(early('2026-07'), first.io)).toBe(0);
    const { io, out } = cli({ now: Date.parse('2026-08-10T12:00:00Z') });
    expect(await runCli(early('2026-08'), io)).toBe(0);
    expect(out.stdout).toBe(
      'closed 2026-08 early: 0 usage reports queued\nlater usage counts in 2026-09\n',
    );
  });

  it('says what an early close queues and asks first; without a terminal it needs --yes', async () => {
    const { cli, store } = await usageDatabase();
    const refused = cli({ stdin: fakeStdin(false) });
    expect(await runCli(['usage', 'close', '--period', '2026-07', '--early'], refused.io)).toBe(2);
    expect(refused.out.stdout).toContain(
      "Closing 2026-07 early queues 1 usage report for the marketplace, each added to the buyer's bill:\n" +
        '  order ord-a, SKU-A: usageCount 0.3\n' +
        'An early close cannot be undone: later usage counts in 2026-08.\n',
    );
    expect(refused.out.stderr).toBe(
      'clm-collector: stdin is not a terminal to ask on; pass --yes to go ahead\n',
    );
    const no = cli({ stdin: fakeStdin(true, 'n\n') });
    expect(await runCli(['usage', 'close', '--period', '2026-07', '--early'], no.io)).toBe(1);
    expect(no.out.stdout).toContain('Close 2026-07 early? [y/N] ');
    expect(no.out.stderr).toBe('clm-collector: not closed; nothing was changed\n');
    expect(await store.lastClosedPeriod()).toBe('2026-06');
    const yes = cli({ stdin: fakeStdin(true, 'y\n') });
    expect(await runCli(['usage', 'close', '--period', '2026-07', '--early'], yes.io)).toBe(0);
    expect(yes.out.stdout).toContain('closed 2026-07 early: 1 usage report queued\n');
    expect(await store.lastClosedPeriod()).toBe('2026-07');
  });
});
