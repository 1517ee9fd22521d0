import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startBilling, terminate } from '../orders/billing.js';
import type { Order, Store } from '../store/types.js';
import { captureIo, seedDatabase } from '../test-support/admin-db.js';
import { createTestOrder } from '../test-support/seed-orders.js';
import { tempDir } from '../test-support/tmp.js';
import type { OrdersReport } from './orders-report.js';
import { runCli } from './run.js';

const REFUSAL = '{"message":"Accounts for blocked.example cannot be created here."}';

const NOW = Date.parse('2025-03-01T12:00:00Z');

const order = (store: Store, id: string, skus: string[], at: number, customerId: string) =>
  createTestOrder(store, id, skus, { at, customerId, productId: 42 });

/** A database as a running collector leaves it: three orders in different states. */
async function seeded() {
  const path = join(tempDir(), 'collector.sqlite');
  const store = await seedDatabase(path, {});
  onTestFinished(() => store.close());
  const billing = await order(store, 'ord-1', ['SKU-A', 'SKU-B'], NOW - 3000, 'cust-1');
  const refused = await order(store, 'ord-2', ['SKU-A'], NOW - 2000, 'cust\u001b[31m-2');
  const ended = await order(store, 'ord-3', ['SKU-A'], NOW - 1000, 'cust-3');
  for (const one of [billing, refused, ended]) await startBilling(store, one, ['SKU-A'], NOW);
  const claimed = await store.claimDueRelays({ now: NOW, limit: 10, leaseMs: 60_000 });
  for (const relay of claimed) {
    const attempt = { at: NOW, status: 200, body: '{}', error: null };
    if (relay.orderId === 'ord-2')
      await store.markDead(relay.id, { ...attempt, status: 400, error: 'HTTP 400: bad\nSKU' });
    else await store.markDelivered(relay.id, attempt);
  }
  await terminate(store, (await store.getOrder('ord-3')) as Order, ['SKU-A'], NOW);
  for (let i = 0; i < 12; i++)
    await store.recordProvisioningFailure({
      provisioningId: `fail-${i}`,
      productId: 42,
      productSkus: ['SKU-A'],
      at: NOW + i,
      outcome: i % 2 === 0 ? 'refused' : 'failed',
      status: i % 2 === 0 ? 422 : null,
      message: i === 11 ? 'alias\ttaken\u202e\n<b>' : i === 10 ? REFUSAL : 'provider down',
    });
  return { path, ...captureIo({ CLM_DB: path }) };
}

describe('clm-collector orders', () => {
  it('has --help and is listed in the main help', async () => {
    const { io, out } = captureIo();
    expect(await runCli(['orders', '--help'], io)).toBe(0);
    expect(out.stdout).toContain('Usage: clm-collector orders [options]');
    expect(out.stdout).toContain('--limit <n>');
    expect(out.stdout).toContain('$CLM_DB (default ./data/collector.sqlite)');
    const main = captureIo();
    expect(await runCli(['--help'], main.io)).toBe(0);
    expect(main.out.stdout).toMatch(/\n {2}orders \[options\] +Show the newest marketplace orders/);
  });

  it('prints each order’s SKUs compactly, then the failed provisioning attempts', async () => {
    const { io, out } = await seeded();
    expect(await runCli(['orders'], io)).toBe(0);
    expect(out.stderr).toBe('');
    const lines = out.stdout.split('\n');
    expect(lines[1]).toBe('orders:   3');
    expect(lines[2]).toMatch(
      /^ {2}provisioning id +created \(UTC\) +customer +product +state +SKUs$/,
    );
    expect(lines.slice(3, 6)).toEqual([
      expect.stringMatching(
        /^ {2}ord-3 +2025-03-01 11:59:59 +cust-3 +42 +terminated +SKU-A ended 2025-03-01 12:00:00 UTC \(end pending\)$/,
      ),
      // The customer id's escape sequence is not passed to the terminal.
      expect.stringMatching(
        /^ {2}ord-2 +\S+ \S+ +cust \[31m-2 +42 +active +SKU-A failed: HTTP 400: bad SKU$/,
      ),
      expect.stringMatching(/^ {2}ord-1 +.+ +active +SKU-A billing, SKU-B not started$/),
    ]);
    expect(out.stdout).toContain('failed provisioning attempts: 12\nnewest 10:\n');
    const failures = lines.filter((line) => /^ {2}2025-03-01 12:00:00 +fail-/.test(line));
    expect(failures).toHaveLength(10);
    expect(failures[0]).toMatch(/ fail-11 +42 +SKU-A +failed +- +alias taken <b>$/);
    // The provider's JSON refusal reads as its message, not as braces and quotes.
    expect(failures[1]).toMatch(
      / fail-10 +42 +SKU-A +refused +HTTP 422 +Accounts for blocked\.example cannot be created here\.$/,
    );
    for (const char of ['\u001b', '\u202e', '\t']) expect(out.stdout).not.toContain(char);
  });

  it('prints the orders as the provider API shows them with --json, up to --limit', async () => {
    const { io, out, path } = await seeded();
    expect(await runCli(['orders', '--json', '--limit', '2'], io)).toBe(0);
    const report = JSON.parse(out.stdout) as OrdersReport;
    expect(report.database).toBe(path);
    expect(report.orders.map((o) => o.provisioningId)).toEqual(['ord-3', 'ord-2']);
    expect(report.orders[1]).toMatchObject({
      customerId: 'cust\u001b[31m-2',
      createdAt: '2025-03-01T11:59:58.000Z',
      terminatedAt: null,
      skus: [{ sku: 'SKU-A', billing: { state: 'failed', error: 'HTTP 400: bad\nSKU' } }],
    });
    expect(report.orders[0]?.skus[0]).toMatchObject({
      billing: { state: 'delivered', deliveredAt: '2025-03-01T12:00:00.000Z' },
      endedAt: '2025-03-01T12:00:00.000Z',
      end: { state: 'pending' },
    });
    expect(report.failureCount).toBe(12);
    expect(report.failures).toHaveLength(2);
    expect(report.failures[1]).toEqual({
      id: 11,
      provisioningId: 'fail-10',
      productId: 42,
      productSkus: ['SKU-A'],
      at: new Date(NOW + 10).toISOString(),
      outcome: 'refused',
      status: 422,
      message: REFUSAL,
    });
    expect(out.stdout).toContain('\\u001b[31m'); // escaped by JSON
  });

  it('says so when there are no orders yet', async () => {
    const path = join(tempDir(), 'collector.sqlite');
    const store = await seedDatabase(path, {});
    onTestFinished(() => store.close());
    const { io, out } = captureIo({ CLM_DB: path });
    expect(await runCli(['orders'], io)).toBe(0);
    expect(out.stdout).toBe(
      `database: ${path}\n` +
        'orders:   none yet (the marketplace calls POST /marketplace/provision when a buyer orders)\n' +
        'failed provisioning attempts: 0\n',
    );
  });

  it('notes a list cut at --limit', async () => {
    const { io, out } = await seeded();
    expect(await runCli(['orders', '--limit', '1'], io)).toBe(0);
    expect(out.stdout).toContain('orders:   1 (the newest 1; see --limit)\n');
  });

  it('exits 2 without a database or with a bad --limit', async () => {
    const missing = join(tempDir(), 'none.sqlite');
    const { io, out } = captureIo({ CLM_DB: missing });
    expect(await runCli(['orders'], io)).toBe(2);
    expect(out.stderr).toBe(`clm-collector: no collector database at ${missing} (set CLM_DB)\n`);
    for (const limit of ['0', 'ten', '10001']) {
      const bad = captureIo({ CLM_DB: missing });
      expect(await runCli(['orders', '--limit', limit], bad.io), limit).toBe(2);
      expect(bad.out.stderr).toContain('must be a whole number from 1 to 10000');
    }
  });
});
