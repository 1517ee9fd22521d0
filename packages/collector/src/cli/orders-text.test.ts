import { describe, expect, it } from 'vitest';
import { skuSummary } from './orders-text.js';

const ENDED = '2026-12-07T10:42:00.000Z';
const sent = { state: 'delivered' as const, relayId: 2, deliveredAt: ENDED };
const billed = { state: 'delivered' as const, relayId: 1, deliveredAt: '2026-11-02T09:00:00.000Z' };

describe('skuSummary', () => {
  it('prints an ended SKU as ended, when, and its end call, never as billing', () => {
    const manual = { billingModel: 'manual', billingStartsAt: null, billingSince: null };
    const immediate = {
      billingModel: 'immediate',
      billingStartsAt: '2026-11-02T09:00:00.000Z',
      billingSince: '2026-11-02T09:00:00.000Z',
    };
    for (const model of [manual, immediate]) {
      const line = skuSummary({
        sku: 'SKU-C',
        ...model,
        billing: billed,
        endedAt: ENDED,
        end: sent,
      });
      expect(line).toBe('SKU-C ended 2026-12-07 10:42:00 UTC (end sent)');
    }
    const active = skuSummary({
      sku: 'SKU-A',
      ...manual,
      billing: billed,
      endedAt: null,
      end: { state: 'not-requested' },
    });
    expect(active).toBe('SKU-A billing');
  });
});
