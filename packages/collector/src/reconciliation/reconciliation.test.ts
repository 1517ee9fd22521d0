import { afterEach, describe, expect, it } from 'vitest';
import { skuBillingFor } from '../orders/billing-models.js';
import type { LedgerLine } from '../sandbox/ledger.js';
import { driver } from '../test-support/histories/driver.js';
import { settle } from '../test-support/histories/settle.js';
import { type HistorySystem, startSystem } from '../test-support/histories/system.js';
import { BILLED_LINE_COLUMNS, type BilledLine } from '../usage/billed-line.js';
import { loadReconciliation } from './reconciliation.js';

const shared = (line: BilledLine) => BILLED_LINE_COLUMNS.map((name) => line[name]);

let system: HistorySystem | undefined;
afterEach(async () => {
  await system?.dispose();
  system = undefined;
});

// Moves the clock, lets the scheduler close what is due, and the worker send what it may.
async function at(iso: string) {
  if (!system) throw new Error('no system');
  system.clock.time = Date.parse(iso);
  await system.collector.usage.tick();
  await settle(system);
}

async function order(id: string, skus: string[]) {
  if (!system) throw new Error('no system');
  const answer = await driver(system).provision(id, skus);
  expect(answer.status).toBe(200);
  const { customerId } = answer.body as { customerId: string };
  expect((await driver(system).register(id, customerId, skus)).status).toBe(201);
}

async function usage(events: [string, string, string, string][]) {
  if (!system) throw new Error('no system');
  const body = events
    .map(
      ([eventId, provisioningId, productSku, quantity]) =>
        `{"eventId":"${eventId}","provisioningId":"${provisioningId}","productSku":"${productSku}","quantity":${quantity}}`,
    )
    .join(',');
  expect((await driver(system).usage(`[${body}]`)).status).toBe(202);
}

describe('the reconciliation export', () => {
  it("matches the marketplace's ledger line for line through closes, a late report and terminations", async () => {
    // November is on CST in Chicago: the close is at 20:00 UTC on the 30th.
    system = await startSystem(Date.parse('2026-11-10T18:00:00Z'));
    await order('prov-a', ['SKU-SEATS', 'SKU-GB']);
    await order('prov-b', ['SKU-SEATS']);
    expect((await driver(system).start('prov-a')).status).toBe(202);
    expect((await driver(system).start('prov-b')).status).toBe(202);
    await settle(system);
    await usage([
      ['e-1', 'prov-a', 'SKU-SEATS', '1.1'],
      ['e-2', 'prov-a', 'SKU-SEATS', '2.2'],
      ['e-3', 'prov-a', 'SKU-GB', '0.1'],
      ['e-4', 'prov-a', 'SKU-GB', '0.2'],
      ['e-5', 'prov-b', 'SKU-SEATS', '1.5'],
    ]);
    // November closes on time: its reports go before the blackout.
    await at('2026-11-30T20:30:00Z');
    await at('2026-12-15T18:00:00Z');
    await usage([
      ['e-6', 'prov-a', 'SKU-SEATS', '0.7'],
      ['e-7', 'prov-b', 'SKU-SEATS', '4'],
    ]);
    // prov-b leaves: December's usage is reported at once, then the end.
    expect((await driver(system).terminate('prov-b')).status).toBe(202);
    await settle(system);
    // The collector sees December's close first inside the blackout: the report waits for
    // its end and is sent late, onto January's bill.
    await at('2026-12-31T22:30:00Z');
    await at('2027-01-01T00:30:00Z');
    await at('2027-01-05T18:00:00Z');
    await usage([['e-8', 'prov-a', 'SKU-SEATS', '0.05']]);
    expect((await driver(system).terminate('prov-a')).status).toBe(202);
    await settle(system);

    const ledger = (
      (await (await fetch(`${system.marketplace}/_sandbox/ledger`)).json()) as {
        lines: LedgerLine[];
      }
    ).lines;
    const { api, skuBilling } = system.config.marketplace;
    const { lines, calls } = await loadReconciliation(
      system.collector.store,
      skuBillingFor(api, skuBilling),
    );
    expect(lines.map((line) => shared(line))).toEqual(ledger.map((line) => shared(line)));
    // What the comparison covers: on-time, late and termination reports, starts and ends.
    const seats = lines.filter(
      (l) => l.provisioningId === 'prov-a' && l.productSku === 'SKU-SEATS',
    );
    expect(seats.map((l) => [l.period, l.usageCount, l.reports])).toEqual([
      ['2026-11', 3.3, 1],
      ['2027-01', 0.75, 2],
    ]);
    expect(
      lines.find((l) => l.provisioningId === 'prov-a' && l.productSku === 'SKU-GB'),
    ).toMatchObject({ period: '2026-11', usageCount: 0.3 });
    const late = calls.find(
      (c) => c.record === 'usage' && c.usagePeriod === '2026-12' && c.provisioningId === 'prov-a',
    );
    expect(late).toMatchObject({
      period: '2027-01',
      usageCount: '0.7',
      late: true,
      state: 'delivered',
      sentAt: '2027-01-01T00:30:00.000Z',
      marketplaceStatus: 200,
    });
    expect(
      calls
        .filter((c) => c.record !== 'usage')
        .map((c) => [c.record, c.provisioningId, c.productSku, c.state]),
    ).toEqual([
      ['start', 'prov-a', 'SKU-SEATS', 'delivered'],
      ['start', 'prov-a', 'SKU-GB', 'delivered'],
      ['start', 'prov-b', 'SKU-SEATS', 'delivered'],
      ['end', 'prov-b', 'SKU-SEATS', 'delivered'],
      ['end', 'prov-a', 'SKU-SEATS', 'delivered'],
      ['end', 'prov-a', 'SKU-GB', 'delivered'],
    ]);
  });
});
