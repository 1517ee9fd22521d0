import { describe, expect, it } from 'vitest';
import { USAGE_NOW } from '../test-support/seed-usage.js';
import { usageDatabase } from '../test-support/usage-db.js';
import { runCli } from './run.js';

// ord-b's July usage past 2^63 micro-units, and July closed early: its report is held.
async function heldReport() {
  const db = await usageDatabase();
  const event = (eventId: string, micros: bigint) => ({
    eventId,
    provisioningId: 'ord-b',
    sku: 'SKU-A',
    micros,
    occurredAt: USAGE_NOW,
    receivedAt: USAGE_NOW,
    period: '2026-07',
  });
  await db.store.recordUsage([event('h-1', 2n ** 62n), event('h-2', 2n ** 62n)]);
  const { io, out } = db.cli();
  expect(await runCli(['usage', 'close', '--period', '2026-07', '--early', '--yes'], io)).toBe(0);
  const [line] = await db.store.usageLines({ period: '2026-07', provisioningId: 'ord-b' });
  return { ...db, id: line?.report?.id ?? -1, close: `${out.stdout.split('\n')[0]}\n` };
}

describe('a held usage report in the CLI', () => {
  it('is counted apart at the close, and listed by usage and status with its reason', async () => {
    const { cli, id, close } = await heldReport();
    expect(close).toBe(
      'closed 2026-07 early: 1 usage report queued, 1 held (never sent, see clm-collector usage)\n',
    );
    const usage = cli();
    expect(await runCli(['usage', '--period', '2026-07'], usage.io)).toBe(0);
    expect(usage.out.stdout).toMatch(
      new RegExp(
        `ord-b +SKU-A +9223372036854\\.775808 +2 +held: usage count 9223372036854\\.775808 has 19 significant digits.* ${id}\\n`,
      ),
    );
    expect(usage.out.stdout).toContain('1 usage report is held (state "held: ..."): never sent');
    const status = cli();
    // A held report is money in doubt until billed by hand: status exits 3.
    expect(await runCli(['status'], status.io)).toBe(3);
    expect(status.out.stdout).toContain('held:           1 usage report never sent');
    // Kept apart from the dead letters: nothing there to retry, so no alert on them.
    expect(status.out.stdout).toContain('1 kept unsent (');
    expect(status.out.stdout).toContain('once billed by hand: clm-collector usage confirm <id>');
    // Listed with the money in doubt, never among the dead letters to replay.
    expect(status.out.stdout).toMatch(new RegExp(`\\n +${id} +usage_report +held +ord-b`));
    const deadLetters = status.out.stdout.slice(status.out.stdout.indexOf('dead letters:'));
    expect(deadLetters).not.toMatch(new RegExp(`\\n +${id} +usage_report`));
    const json = cli();
    expect(await runCli(['status', '--json'], json.io)).toBe(3);
    expect(JSON.parse(json.out.stdout).heldUsageReports).toEqual({ count: 1 });
    expect(JSON.parse(json.out.stdout).moneyInDoubt.byKind.usage_report.held).toBe(1);
  });

  it('is neither resent nor replayed', async () => {
    const { cli, store, id } = await heldReport();
    const resend = cli();
    expect(await runCli(['usage', 'resend', String(id), '--yes'], resend.io)).toBe(1);
    expect(resend.out.stderr).toMatch(new RegExp(`^clm-collector: Usage report ${id} is held: `));
    expect(resend.out.stdout).toBe('');
    const replay = cli();
    await runCli(['replay', '--all'], replay.io);
    const [line] = await store.usageLines({ period: '2026-07', provisioningId: 'ord-b' });
    expect(line?.report?.status).toBe('dead');
    expect(await store.countHeldReports()).toBe(1);
  });
});

describe('a held usage report billed by hand', () => {
  it('replay names it held; usage confirm settles it, sending nothing', async () => {
    const { cli, store, id } = await heldReport();
    const replay = cli();
    expect(await runCli(['replay', String(id)], replay.io)).toBe(1);
    expect(replay.out.stderr).toBe(
      `not replayed, left as they are: ${id} (held, never sent: once billed by hand, run clm-collector usage confirm ${id})\n`,
    );
    expect((await store.countRelays()).kept).toBe(1);
    const confirm = cli();
    expect(await runCli(['usage', 'confirm', String(id)], confirm.io)).toBe(0);
    expect(confirm.out.stdout).toBe(
      `usage report ${id} (order ord-b, SKU-A, 2026-07) marked sent: recorded that you billed it by hand (it was held; nothing was sent)\n`,
    );
    const [line] = await store.usageLines({ period: '2026-07', provisioningId: 'ord-b' });
    expect(line?.report).toMatchObject({
      status: 'delivered',
      lastError: expect.stringMatching(
        /^billed by hand, confirmed by an operator; it was held: usage count 9223372036854\.775808/,
      ),
    });
    expect(await store.countHeldReports()).toBe(0);
    const counts = await store.countRelays();
    expect([counts.kept, counts.pending]).toEqual([0, 2]);
  });
});
