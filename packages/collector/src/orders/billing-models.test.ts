import { describe, expect, it } from 'vitest';
import {
  modelName,
  modelOf,
  parseBillingModel,
  scheduledStart,
  skuBillingFor,
} from './billing-models.js';

const at = (iso: string) => Date.parse(iso);
const startOf = (model: Parameters<typeof scheduledStart>[0], ordered: string) => {
  const start = scheduledStart(model, at(ordered));
  return start === null ? null : new Date(start).toISOString();
};

describe('scheduledStart', () => {
  it('is none for a manual SKU and the order itself for an immediate one', () => {
    expect(startOf({ kind: 'manual' }, '2026-07-10T15:00:00Z')).toBeNull();
    expect(startOf({ kind: 'immediate' }, '2026-07-10T15:00:00Z')).toBe('2026-07-10T15:00:00.000Z');
  });

  it('adds whole days of 24 hours for a delay', () => {
    expect(startOf({ kind: 'delay', days: 3 }, '2026-07-10T15:00:00Z')).toBe(
      '2026-07-13T15:00:00.000Z',
    );
  });

  it.each([
    // Midnight in Chicago: 05:00 UTC in summer (CDT), 06:00 in winter (CST).
    ['2026-07-10T15:00:00Z', '2026-08-01T05:00:00.000Z'],
    ['2026-10-20T15:00:00Z', '2026-11-01T05:00:00.000Z'],
    ['2026-11-20T15:00:00Z', '2026-12-01T06:00:00.000Z'],
    ['2026-12-31T12:00:00Z', '2027-01-01T06:00:00.000Z'],
    // 02:00 UTC on Aug 1 is still July 31 in Chicago: the 1st after it is Aug 1.
    ['2026-08-01T02:00:00Z', '2026-08-01T05:00:00.000Z'],
    // Midnight on the 1st is already that month: the next 1st is a month on.
    ['2026-08-01T05:00:00Z', '2026-09-01T05:00:00.000Z'],
  ])(
    'starts a next-month SKU ordered at %s on the 1st after it, midnight Chicago',
    (ordered, start) => {
      expect(startOf({ kind: 'next-month' }, ordered)).toBe(start);
    },
  );
});

describe('skuBillingFor', () => {
  const models = new Map([['SEATS', { kind: 'delay' as const, days: 7 }]]);

  it('reads listed SKUs from CLM_SKU_BILLING and the rest as manual under v2', () => {
    const billing = skuBillingFor('v2', models);
    expect(modelName(modelOf(billing, 'SEATS'))).toBe('delay:7d');
    expect(modelName(modelOf(billing, 'OTHER'))).toBe('manual');
  });

  it('bills every SKU from its order under v1, whatever is listed', () => {
    const billing = skuBillingFor('v1', models);
    expect(modelName(modelOf(billing, 'SEATS'))).toBe('immediate');
    expect(modelName(modelOf(billing, 'OTHER'))).toBe('immediate');
  });
});

describe('parseBillingModel', () => {
  it('reads the four models of seed 002, in any case, trimmed', () => {
    expect(parseBillingModel('manual')).toEqual({ kind: 'manual' });
    expect(parseBillingModel(' Immediate')).toEqual({ kind: 'immediate' });
    expect(parseBillingModel(' Next-Month ')).toEqual({ kind: 'next-month' });
    expect(parseBillingModel('DELAY:7D')).toEqual({ kind: 'delay', days: 7 });
    expect(parseBillingModel('delay:365d')).toEqual({ kind: 'delay', days: 365 });
  });

  it.each(['', 'later', 'delay:0d', 'delay:3', 'delay:366d', 'delay:-1d', 'delay:1.5d'])(
    'refuses %j',
    (text) => {
      expect(parseBillingModel(text)).toBeNull();
    },
  );
});
