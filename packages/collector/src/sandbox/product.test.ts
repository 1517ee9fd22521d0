import { describe, expect, it } from 'vitest';
import { parseBillingStart, scheduledStart } from './product.js';

const at = (iso: string) => Date.parse(iso);
const start = (text: string, orderedAt: string) => {
  const model = parseBillingStart(text);
  if (model === null) throw new Error(`no model: ${text}`);
  const ms = scheduledStart(model, at(orderedAt));
  return ms === null ? null : new Date(ms).toISOString();
};

describe('billing start models (seed 002)', () => {
  it('starts an immediate SKU at the order and a manual one never by itself', () => {
    expect(start('immediate', '2026-03-10T12:00:00Z')).toBe('2026-03-10T12:00:00.000Z');
    expect(start('manual', '2026-03-10T12:00:00Z')).toBeNull();
  });

  it('starts a delayed SKU N days after the order', () => {
    expect(start('delay:3d', '2026-03-30T12:00:00Z')).toBe('2026-04-02T12:00:00.000Z');
  });

  it('starts a next-month SKU at midnight in Chicago on the 1st after the order', () => {
    // 03:00 UTC on Feb 1 is still January 31 in Chicago: the 1st of February is next.
    expect(start('next-month', '2026-02-01T03:00:00Z')).toBe('2026-02-01T06:00:00.000Z');
    // In summer Chicago is UTC-5.
    expect(start('next-month', '2026-06-15T12:00:00Z')).toBe('2026-07-01T05:00:00.000Z');
    expect(start('next-month', '2026-12-20T12:00:00Z')).toBe('2027-01-01T06:00:00.000Z');
  });

  it.each(['', 'later', 'delay:0d', 'delay:3', 'delay:400d', 'delay:-1d'])('refuses %j', (text) => {
    expect(parseBillingStart(text)).toBeNull();
  });

  it('reads models case-insensitively, trimmed', () => {
    expect(parseBillingStart(' Next-Month ')).toEqual({ model: 'next-month' });
    expect(parseBillingStart('DELAY:7D')).toEqual({ model: 'delay', days: 7 });
  });
});
