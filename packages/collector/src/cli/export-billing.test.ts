import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Reconciliation } from '../reconciliation/reconciliation.js';
import { tempDir } from '../test-support/tmp.js';
import { usageDatabase } from '../test-support/usage-db.js';
import { runCli } from './run.js';

const HEADER =
  'provisioningId,customerId,productSku,period,billingStartedAt,usageCount,reports,lateReports,' +
  'endedAt,record,usagePeriod,relayId,sentAt,late,state,marketplaceStatus,marketplaceAnswer';
const NOW = '2026-07-15T17:00:00.000Z';

describe('clm-collector export --billing', () => {
  it('writes the ledger lines, then each billing call with its state, as CSV', async () => {
    const { cli, ids } = await usageDatabase();
    const { io, out } = cli();
    expect(await runCli(['export', '--billing'], io)).toBe(0);
    const rows = out.stdout.split('\r\n');
    expect(rows[0]).toBe(HEADER);
    // ord-a's SKU-A: May's report, sent late (on July's bill), then June's, unconfirmed.
    expect(rows.slice(1, 4)).toEqual([
      'ord-a,cust-ord-a,SKU-A,2026-07,,12.5,1,0,,month,,,,,,,',
      `ord-a,cust-ord-a,SKU-A,2026-07,,12.5,,,,usage,2026-05,${ids['2026-05 ord-a SKU-A']},${NOW},true,delivered,200,{}`,
      `ord-a,cust-ord-a,SKU-A,2026-07,,12.5,,,,usage,2026-06,${ids['2026-06 ord-a SKU-A']},${NOW},false,unconfirmed,,timed out after 10000 ms; the marketplace may have recorded it`,
    ]);
    // Refused: not billed, so on no month.
    expect(rows).toContain(
      `ord-a,cust-ord-a,SKU-B,,,12.5,,,,usage,2026-06,${ids['2026-06 ord-a SKU-B']},${NOW},false,dead,400,"{""message"":""unknown provisioningId""}"`,
    );
    expect(
      rows.filter((row) => row.includes(',usage,2026-06,')).map((row) => row.split(',')[14]),
    ).toEqual(['unconfirmed', 'dead', 'delivered', 'pending', 'pending']);
    expect(rows).toContain('ord-b,<script>alert(1)</script>,SKU-A,2026-07,,12.5,1,0,,month,,,,,,,');
    expect(out.stderr).toBe('exported 2 ledger lines and 6 billing calls (csv) to stdout\n');
  });

  it('shows a written-off call as written_off, not dead, with no sentAt', async () => {
    const { cli, ids, store } = await usageDatabase();
    const refused = ids['2026-06 ord-a SKU-B'] ?? -1;
    expect(await store.writeOff(refused, Date.parse(NOW) + 60_000)).toBe(true);
    const { io, out } = cli();
    expect(await runCli(['export', '--billing'], io)).toBe(0);
    expect(out.stdout.split('\r\n')).toContain(
      `ord-a,cust-ord-a,SKU-B,,,12.5,,,,usage,2026-06,${refused},,false,written_off,400,"{""message"":""unknown provisioningId""}"`,
    );
  });

  it('writes JSON, one billed month with --period, to an owner-only file', async () => {
    const { cli } = await usageDatabase();
    const file = join(tempDir(), 'billing.json');
    const { io } = cli();
    expect(
      await runCli(
        ['export', '--billing', '--format', 'json', '--period', '2026-07', '--output', file],
        io,
      ),
    ).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const { lines, calls } = JSON.parse(readFileSync(file, 'utf8')) as Reconciliation;
    expect(lines).toEqual([
      {
        provisioningId: 'ord-a',
        customerId: 'cust-ord-a',
        productSku: 'SKU-A',
        period: '2026-07',
        billingStartedAt: null,
        usageCount: 12.5,
        reports: 1,
        lateReports: 0,
        endedAt: null,
      },
      expect.objectContaining({ provisioningId: 'ord-b', period: '2026-07', reports: 1 }),
    ]);
    // July's bill: the two delivered and the unconfirmed one, if it arrived; not June's others.
    expect(calls.map((call) => [call.provisioningId, call.usagePeriod, call.state])).toEqual([
      ['ord-a', '2026-05', 'delivered'],
      ['ord-a', '2026-06', 'unconfirmed'],
      ['ord-b', '2026-06', 'delivered'],
    ]);
  });

  it.each([
    [['export', '--period', '2026-07'], '--period needs --billing'],
    [['export', '--format', 'json'], 'the relay export writes csv or jsonl'],
    [['export', '--billing', '--format', 'jsonl'], '--billing writes csv or json, not jsonl'],
    [['export', '--billing', '--period', '2026-13'], '--period must be a month YYYY-MM'],
    [['export', '--billing', '--status', 'dead'], '--status is for the relay export'],
  ])('refuses %j with exit 2', async (argv, message) => {
    const { cli } = await usageDatabase();
    const { io, out } = cli();
    expect(await runCli(argv, io)).toBe(2);
    expect(out.stderr).toContain(message);
    expect(out.stdout).toBe('');
  });
});
