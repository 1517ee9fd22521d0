import { describe, expect, it } from 'vitest';
import { skuBillingFor } from '../orders/billing-models.js';
import { registerOrder } from '../sandbox/books.js';
import { ledgerLines } from '../sandbox/ledger.js';
import type { Order } from '../store/types.js';
import { BILLED_LINE_COLUMNS, type BilledLine } from '../usage/billed-line.js';
import { buildReconciliation } from './reconciliation.js';

const ORDERED = Date.parse('2026-03-31T22:00:00Z'); // 17:00 in Chicago, the month's last day
const SKUS = ['SKU-NOW', 'SKU-LATER', 'SKU-NEXT', 'SKU-MANUAL'];
const MODELS = new Map([
  ['SKU-NOW', { kind: 'immediate' as const }],
  ['SKU-LATER', { kind: 'delay' as const, days: 3 }],
  ['SKU-NEXT', { kind: 'next-month' as const }],
]);

const order: Order = {
  provisioningId: 'prov-1',
  productId: 123,
  productSkus: SKUS,
  customerId: '1234',
  providerKey: 'PK-1',
  answer: { customerId: '1234' },
  createdAt: ORDERED,
  terminatedAt: null,
  skus: SKUS.map((sku) => ({ sku, billing: null, end: null, endedAt: null })),
};

const shared = (line: BilledLine) => BILLED_LINE_COLUMNS.map((name) => line[name]);

describe('the reconciliation of billing starts the marketplace schedules', () => {
  it("places each SKU's start as the ledger does, with no call made", () => {
    const books = {
      providerKey: 'PK-1',
      api: 'v2' as const,
      clock: { now: () => ORDERED },
      billing: MODELS,
      orders: new Map(),
    };
    registerOrder(books, {
      provisioningId: 'prov-1',
      customerId: '1234',
      productId: 123,
      productSkus: SKUS,
      orderedAt: ORDERED,
    });
    const { lines } = buildReconciliation([order], [], skuBillingFor('v2', MODELS));
    expect(lines.map(shared)).toEqual(ledgerLines(books).map(shared));
    expect(lines.map((line) => [line.productSku, line.period, line.billingStartedAt])).toEqual([
      ['SKU-NOW', '2026-03', '2026-03-31T22:00:00.000Z'],
      ['SKU-LATER', '2026-04', '2026-04-03T22:00:00.000Z'],
      ['SKU-NEXT', '2026-04', '2026-04-01T05:00:00.000Z'],
    ]);
  });
});
