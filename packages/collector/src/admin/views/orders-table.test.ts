import { describe, expect, it } from 'vitest';
import type { OrderView } from '../orders-data.js';
import { canStartBilling, renderOrdersTable } from './orders-table.js';

const order = (skus: OrderView['skus'], terminatedAt: string | null = null): OrderView => ({
  provisioningId: 'ord-1',
  productId: 1,
  customerId: 'c-1',
  createdAt: '2025-03-01T12:00:00.000Z',
  terminatedAt,
  answer: {},
  skus,
});
const none = { state: 'not-requested' as const };
const manual = { billingModel: 'manual', billingStartsAt: null, billingSince: null };

describe('renderOrdersTable', () => {
  it('cuts a long refusal, keeps the rest in a tooltip, and escapes SKUs', () => {
    const error = `marketplace refused: ${'y'.repeat(200)}`;
    const failed = { state: 'failed' as const, relayId: 1, error };
    const sku = { sku: '"><b>x', ...manual, billing: failed, endedAt: null, end: none };
    const out = renderOrdersTable([order([sku])]).value;
    expect(out).toContain('data-sku="&quot;&gt;&lt;b&gt;x" data-state="failed" title="failed: ');
    const text = /data-state="failed" title="[^"]*">([^<]*)</.exec(out)?.[1] ?? '';
    expect(text).toMatch(/^failed: marketplace refused: y+…$/);
    expect(text).toHaveLength(121);
    expect(out).not.toContain('<b>');
  });

  it('offers Start billing only for an active SKU not started', () => {
    const pending = { state: 'pending' as const, relayId: 1 };
    const ended = '2025-03-01T12:00:00.000Z';
    expect(
      canStartBilling(order([{ sku: 'A', ...manual, billing: none, endedAt: null, end: none }])),
    ).toBe(true);
    expect(
      canStartBilling(order([{ sku: 'A', ...manual, billing: pending, endedAt: null, end: none }])),
    ).toBe(false);
    const endedSkus = [
      { sku: 'A', ...manual, billing: none, endedAt: ended, end: pending },
      { sku: 'B', ...manual, billing: pending, endedAt: null, end: none },
    ];
    expect(canStartBilling(order(endedSkus))).toBe(false);
    const allEnded = [{ sku: 'A', ...manual, billing: none, endedAt: ended, end: pending }];
    expect(canStartBilling(order(allEnded, ended))).toBe(false);
  });

  it('shows an ended SKU as ended with its end call, never as billing', () => {
    const billed = {
      state: 'delivered' as const,
      relayId: 1,
      deliveredAt: '2025-03-01T10:00:00.000Z',
    };
    const sent = {
      state: 'delivered' as const,
      relayId: 2,
      deliveredAt: '2025-03-01T12:01:00.000Z',
    };
    const ended = '2025-03-01T12:00:00.000Z';
    const immediate = { billingModel: 'immediate', billingStartsAt: ended, billingSince: ended };
    const out = renderOrdersTable([
      order(
        [
          { sku: 'A', ...manual, billing: billed, endedAt: ended, end: sent },
          { sku: 'B', ...immediate, billing: none, endedAt: ended, end: sent },
        ],
        ended,
      ),
    ]).value;
    for (const sku of ['A', 'B'])
      expect(out).toContain(
        `<code class="sku">${sku}</code> <span class="end-state" data-sku="${sku}" data-state="delivered">ended <time datetime="${ended}">2025-03-01 12:00:00</time> · end sent</span>`,
      );
    expect(out).not.toContain('billing-state');
    expect(out).not.toMatch(/>billing( since)?\b/);
  });
});
