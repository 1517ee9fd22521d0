import { describe, expect, it } from 'vitest';
import { fakeStdin, usageDatabase } from '../test-support/usage-db.js';
import { runCli } from './run.js';

async function stateOf(store: Awaited<ReturnType<typeof usageDatabase>>['store'], id: number) {
  const lines = await store.usageLines();
  return lines.find((line) => line.report?.id === id)?.report?.status;
}

describe('clm-collector usage confirm', () => {
  it('marks an unconfirmed report sent, once', async () => {
    const { cli, store, ids } = await usageDatabase();
    const id = ids['2026-06 ord-a SKU-A'] as number;
    const { io, out } = cli();
    expect(await runCli(['usage', 'confirm', String(id)], io)).toBe(0);
    expect(out.stdout).toBe(
      `usage report ${id} (order ord-a, SKU-A, 2026-06) marked sent: recorded that the marketplace billed it\n`,
    );
    expect(await stateOf(store, id)).toBe('delivered');
    const again = cli();
    expect(await runCli(['usage', 'confirm', String(id)], again.io)).toBe(1);
    expect(again.out.stderr).toBe(
      `clm-collector: Usage report ${id} is sent: only an unconfirmed or held report can be confirmed.\n`,
    );
  });

  it('refuses a report in another state, an unknown id (exit 1) and a malformed one (exit 2)', async () => {
    const { cli, store, ids } = await usageDatabase();
    const failed = ids['2026-06 ord-a SKU-B'] as number;
    const cases: [string, number, string][] = [
      [
        String(failed),
        1,
        `Usage report ${failed} is failed: marketplace refused the call: HTTP 400: only an unconfirmed or held report can be confirmed.`,
      ],
      ['99', 1, 'There is no usage report 99.'],
      ['two', 2, '"two" is not a report id (see clm-collector usage)'],
    ];
    for (const [id, code, message] of cases) {
      const { io, out } = cli();
      expect(await runCli(['usage', 'confirm', id], io), id).toBe(code);
      expect(out.stderr).toBe(`clm-collector: ${message}\n`);
    }
    expect(await stateOf(store, failed)).toBe('dead');
  });
});

describe('clm-collector usage resend', () => {
  it('says it may bill twice and, with --yes, sends the report again', async () => {
    const { cli, store, ids } = await usageDatabase();
    const id = ids['2026-06 ord-a SKU-A'] as number;
    const { io, out } = cli();
    expect(await runCli(['usage', 'resend', String(id), '--yes'], io)).toBe(0);
    expect(out.stdout).toBe(
      `Resending usage report ${id} (order ord-a, SKU-A, 2026-06), quantity 12.5, MAY BILL THE BUYER TWICE:\n` +
        'the marketplace may have recorded its first attempt (last answer: timed out after 10000 ms; the marketplace may have recorded it).\n' +
        "Resend only if the buyer's bill does not show it.\n" +
        `usage report ${id} (order ord-a, SKU-A, 2026-06) queued again; a running collector sends it at its next poll\n`,
    );
    expect(await stateOf(store, id)).toBe('pending');
  });

  it('refuses without --yes when stdin is not a terminal, rather than wait', async () => {
    const { cli, store, ids } = await usageDatabase();
    const id = ids['2026-06 ord-a SKU-A'] as number;
    const { io, out } = cli({ stdin: fakeStdin(false) });
    expect(await runCli(['usage', 'resend', String(id)], io)).toBe(2);
    expect(out.stdout).toContain('MAY BILL THE BUYER TWICE');
    expect(out.stderr).toBe(
      'clm-collector: stdin is not a terminal to ask on; pass --yes to go ahead\n',
    );
    expect(await stateOf(store, id)).toBe('unconfirmed');
  });

  it('asks on a terminal: only y or yes resends', async () => {
    for (const [answer, code, status] of [
      ['y\n', 0, 'pending'],
      ['YES\n', 0, 'pending'],
      ['n\n', 1, 'unconfirmed'],
      ['\n', 1, 'unconfirmed'],
      ['', 1, 'unconfirmed'],
    ] as const) {
      const { cli, store, ids } = await usageDatabase();
      const id = ids['2026-06 ord-a SKU-A'] as number;
      const { io, out } = cli({ stdin: fakeStdin(true, answer) });
      expect(await runCli(['usage', 'resend', String(id)], io), JSON.stringify(answer)).toBe(code);
      expect(out.stdout).toContain('Resend it? [y/N] ');
      if (code === 1) expect(out.stderr).toBe('clm-collector: not resent; nothing was changed\n');
      expect(await stateOf(store, id)).toBe(status);
    }
  });

  it('resends a failed report, and refuses a sent, pending or unknown one without asking', async () => {
    const { cli, store, ids } = await usageDatabase();
    const failed = ids['2026-06 ord-a SKU-B'] as number;
    const ok = cli();
    expect(await runCli(['usage', 'resend', String(failed), '--yes'], ok.io)).toBe(0);
    expect(await stateOf(store, failed)).toBe('pending');
    const refused: [string, string][] = [
      [String(ids['2026-06 ord-b SKU-A']), 'is sent'],
      [String(ids['2026-05 ord-a SKU-A']), 'is sent (late)'],
      [String(ids['2026-06 ord-c SKU-B']), 'is sending'],
      [String(failed), 'is pending'],
    ];
    for (const [id, state] of refused) {
      const { io, out } = cli({ stdin: fakeStdin(true, 'y\n') });
      expect(await runCli(['usage', 'resend', id], io), id).toBe(1);
      expect(out.stdout).toBe('');
      expect(out.stderr).toBe(
        `clm-collector: Usage report ${id} ${state}: only an unconfirmed or failed report can be resent.\n`,
      );
    }
    const unknown = cli();
    expect(await runCli(['usage', 'resend', '999', '--yes'], unknown.io)).toBe(1);
    expect(unknown.out.stderr).toBe('clm-collector: There is no usage report 999.\n');
  });
});
