import { describe, expect, it } from 'vitest';
import { captureIo } from '../test-support/admin-db.js';
import { usageDatabase } from '../test-support/usage-db.js';
import { runCli } from './run.js';
import type { StatusReport } from './status-report.js';
import type { UsageReport } from './usage-report.js';

describe('clm-collector usage', () => {
  it('has --help for itself and each subcommand, and is listed in the main help', async () => {
    const main = captureIo();
    expect(await runCli(['--help'], main.io)).toBe(0);
    expect(main.out.stdout).toMatch(/\n {2}usage \[options\] +Show usage per period/);
    for (const argv of [[], ['close'], ['confirm'], ['resend'], ['calendar']]) {
      const { io, out } = captureIo();
      expect(await runCli(['usage', ...argv, '--help'], io), argv.join(' ')).toBe(0);
      expect(out.stdout).toContain(
        `Usage: clm-collector usage${argv.map((a) => ` ${a}`).join('')}`,
      );
      expect(out.stdout).toContain(argv[0] === 'calendar' ? 'CLM_BILLING_TZ' : 'CLM_DB');
    }
  });

  it('prints each period, order and SKU with its quantity, events and report state', async () => {
    const { cli, path } = await usageDatabase();
    const { io, out } = cli();
    expect(await runCli(['usage'], io)).toBe(0);
    expect(out.stderr).toBe('');
    const lines = out.stdout.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      `database: ${path}`,
      'billing:  America/Chicago; 2026-07 is open and closes 2026-07-31 14:00 CDT (2026-07-31T19:00Z)',
      'closed:   2026-06 (2026-07-15T17:00Z), 2026-05 (2026-07-15T17:00Z)',
      'usage:    7 lines',
    ]);
    expect(lines[4]).toMatch(/^ {2}period +provisioning id +SKU +quantity +events +report +id$/);
    const rows = lines.slice(5, 12).map((line) => line.trim().split(/\s{2,}/));
    expect(rows).toEqual([
      ['2026-07', 'ord-a', 'SKU-A', '0.3', '2', 'not reported', '-'],
      ['2026-06', 'ord-a', 'SKU-A', '12.5', '1', 'unconfirmed !', '2'],
      [
        '2026-06',
        'ord-a',
        'SKU-B',
        '12.5',
        '1',
        'failed: marketplace refused the call: HTTP 400',
        '3',
      ],
      ['2026-06', 'ord-b', 'SKU-A', '12.5', '1', 'sent', '4'],
      ['2026-06', 'ord-c', 'SKU-A', '12.5', '1', 'pending', '5'],
      ['2026-06', 'ord-c', 'SKU-B', '12.5', '1', 'sending', '6'],
      ['2026-05', 'ord-a', 'SKU-A', '12.5', '1', 'sent (late)', '1'],
    ]);
    expect(lines.slice(12)).toEqual([
      '1 usage report is unconfirmed (marked !): the marketplace may have billed it.',
      "Check the buyer's bill, then for each:",
      '  clm-collector usage confirm <id>   it was billed: mark it sent',
      '  clm-collector usage resend <id>    it was not: send it again (may bill the buyer twice)',
      '',
    ]);
  });

  it('prints the same as JSON with --json, one period with --period', async () => {
    const { cli, path } = await usageDatabase();
    const { io, out } = cli();
    expect(await runCli(['usage', '--json', '--period', '2026-06'], io)).toBe(0);
    const report = JSON.parse(out.stdout) as UsageReport;
    expect(report).toMatchObject({
      database: path,
      zone: 'America/Chicago',
      open: {
        period: '2026-07',
        closesAt: '2026-07-31T19:00:00.000Z',
        blackout: { start: '2026-07-31T20:45:00.000Z', end: '2026-08-01T00:00:00.000Z' },
        begun: true,
        overdue: false,
      },
      closedPeriods: [
        { period: '2026-06', closedAt: '2026-07-15T17:00:00.000Z', early: false },
        { period: '2026-05', closedAt: '2026-07-15T17:00:00.000Z', early: false },
      ],
      period: '2026-06',
      unconfirmed: 1,
    });
    expect(report.lines.map((line) => [line.provisioningId, line.sku, line.state])).toEqual([
      ['ord-a', 'SKU-A', 'unconfirmed'],
      ['ord-a', 'SKU-B', 'failed: marketplace refused the call: HTTP 400'],
      ['ord-b', 'SKU-A', 'sent'],
      ['ord-c', 'SKU-A', 'pending'],
      ['ord-c', 'SKU-B', 'sending'],
    ]);
    expect(report.lines[2]).toEqual({
      period: '2026-06',
      provisioningId: 'ord-b',
      sku: 'SKU-A',
      customerId: '<script>alert(1)</script>',
      quantity: '12.5',
      events: 1,
      state: 'sent',
      report: {
        id: 4,
        status: 'delivered',
        late: false,
        attempts: 1,
        lastError: null,
        deliveredAt: '2026-07-15T17:00:00.000Z',
      },
    });
  });

  it('says so when a period has no usage, and exits 2 on a bad --period', async () => {
    const { cli } = await usageDatabase();
    const empty = cli();
    expect(await runCli(['usage', '--period', '2026-01'], empty.io)).toBe(0);
    expect(empty.out.stdout).toContain('\nusage:    none in 2026-01\n');
    for (const period of ['2026-13', '2026-7', 'July']) {
      const bad = cli();
      expect(await runCli(['usage', '--period', period], bad.io), period).toBe(2);
      expect(bad.out.stderr).toBe(
        `clm-collector: --period must be a month YYYY-MM, not "${period}"\n`,
      );
    }
  });

  it('exits 2 without a database', async () => {
    const { io, out } = captureIo({ CLM_DB: '/nonexistent/collector.sqlite' });
    expect(await runCli(['usage'], io)).toBe(2);
    expect(out.stderr).toContain('no collector database at /nonexistent/collector.sqlite');
  });
});

describe('clm-collector status and usage reports', () => {
  it('shows the unconfirmed usage reports and what to do about them', async () => {
    const { cli } = await usageDatabase();
    const { io, out } = cli();
    expect(await runCli(['status'], io)).toBe(3);
    expect(out.stdout).toContain(
      'relays:         1 pending, 1 in flight, 2 delivered, 1 dead, 1 unconfirmed (6 total)\n',
    );
    expect(out.stdout).toMatch(
      /\nunconfirmed: {4}1 usage report \(the marketplace may have billed it\)\n {2}id +order +SKU +period +last answer\n {2}2 +ord-a +SKU-A +2026-06 +timed out after 10000 ms; the marketplace may have recorded it\ncheck the buyer's bill, then confirm or resend: clm-collector usage confirm\|resend <id>\n/,
    );
    const json = cli();
    expect(await runCli(['status', '--json'], json.io)).toBe(3);
    const report = JSON.parse(json.out.stdout) as StatusReport;
    expect(report.relays.unconfirmed).toBe(1);
    expect(report.unconfirmedUsageReports).toEqual({
      count: 1,
      newest: [
        {
          id: 2,
          provisioningId: 'ord-a',
          sku: 'SKU-A',
          period: '2026-06',
          lastError: 'timed out after 10000 ms; the marketplace may have recorded it',
          updatedAt: '2026-07-15T17:00:00.000Z',
        },
      ],
    });
  });

  it('puts the money in doubt first, with its sums and what to do, and exits 3', async () => {
    const { cli, ids } = await usageDatabase();
    const { io, out } = cli();
    expect(await runCli(['status'], io)).toBe(3);
    const [first, second] = out.stdout.split('\n');
    expect(first).toBe(
      'money in doubt: 2 billing calls: 1 usage report unconfirmed, 1 usage report dead',
    );
    expect(second).toBe('usage in doubt: SKU-A 12.5 (1 report), SKU-B 12.5 (1 report)');
    expect(out.stdout).toMatch(
      new RegExp(
        `\\n {2}${ids['2026-06 ord-a SKU-A']} +usage_report +unconfirmed +ord-a +SKU-A +2026-06 +12\\.5\\n`,
      ),
    );
    expect(out.stdout).toContain('clm-collector usage confirm <id> if it was billed');
    const json = cli();
    expect(await runCli(['status', '--json'], json.io)).toBe(3);
    const { moneyInDoubt } = JSON.parse(json.out.stdout) as StatusReport;
    expect(moneyInDoubt).toMatchObject({
      count: 2,
      byKind: {
        start_billing: { unconfirmed: 0, dead: 0, held: 0 },
        usage_report: { unconfirmed: 1, dead: 1, held: 0 },
        usage_end: { unconfirmed: 0, dead: 0, held: 0 },
      },
      usage: [
        { sku: 'SKU-A', usageCount: '12.5', reports: 1 },
        { sku: 'SKU-B', usageCount: '12.5', reports: 1 },
      ],
    });
    expect(moneyInDoubt.newest.map((call) => [call.id, call.state])).toEqual([
      [ids['2026-06 ord-a SKU-B'], 'dead'],
      [ids['2026-06 ord-a SKU-A'], 'unconfirmed'],
    ]);
  });

  it('exits 0 again once every report in doubt is settled', async () => {
    const { cli, ids } = await usageDatabase();
    const confirm = cli();
    const id = String(ids['2026-06 ord-a SKU-A']);
    expect(await runCli(['usage', 'confirm', id], confirm.io)).toBe(0);
    const resend = cli();
    const dead = String(ids['2026-06 ord-a SKU-B']);
    expect(await runCli(['usage', 'resend', dead, '--yes'], resend.io)).toBe(0);
    const { io, out } = cli();
    expect(await runCli(['status'], io)).toBe(0);
    expect(out.stdout.split('\n')[0]).toBe('money in doubt: none');
  });
});
