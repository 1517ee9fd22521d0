import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadSkuBilling } from './config.js';
import { startupWarnings } from './security/startup-warnings.js';

const valid = { ONRAMP_BASE_URL: 'https://onramp.example/', CLM_PARTNER_KEYS: 'PK-1' };

describe('CLM_SKU_BILLING', () => {
  it('reads each SKU’s billing start; a SKU not listed is manual', () => {
    const config = loadConfig({
      ...valid,
      CLM_SKU_BILLING: ' SEATS=immediate, TRIAL = delay:14d,STORAGE=Next-Month,,SUPPORT=manual ',
    });
    expect([...config.marketplace.skuBilling]).toEqual([
      ['SEATS', { kind: 'immediate' }],
      ['TRIAL', { kind: 'delay', days: 14 }],
      ['STORAGE', { kind: 'next-month' }],
      ['SUPPORT', { kind: 'manual' }],
    ]);
    expect(loadConfig(valid).marketplace.skuBilling).toEqual(new Map());
    // A SKU may hold "=": the model is what follows the last one.
    expect([
      ...loadConfig({ ...valid, CLM_SKU_BILLING: 'A=B=delay:365d' }).marketplace.skuBilling,
    ]).toEqual([['A=B', { kind: 'delay', days: 365 }]]);
  });

  it.each([
    [
      'an unknown model',
      'SEATS=monthly',
      /CLM_SKU_BILLING "SEATS=monthly": the model of SEATS must be manual, immediate, delay:Nd \(N 1-365\) or next-month, not "monthly"/,
    ],
    ['a zero delay', 'SEATS=delay:0d', /the model of SEATS must be .* not "delay:0d"/],
    ['a delay that is not a number', 'SEATS=delay:abc', /not "delay:abc"/],
    ['a delay without its unit', 'SEATS=delay:3', /not "delay:3"/],
    ['a delay over a year', 'SEATS=delay:366d', /not "delay:366d"/],
    ['a fractional delay', 'SEATS=delay:1.5d', /not "delay:1.5d"/],
    ['an entry without a model', 'SEATS', /CLM_SKU_BILLING "SEATS" is not SKU=model/],
    ['an empty SKU', '=manual', /CLM_SKU_BILLING "=manual": each SKU must not be empty/],
    [
      'a SKU over 128 characters',
      `${'S'.repeat(129)}=manual`,
      /each SKU must be at most 128 characters/,
    ],
    [
      'a SKU with a control character',
      'SE\u0007ATS=manual',
      /each SKU must not contain control characters/,
    ],
    ['a SKU listed twice', 'SEATS=manual,SEATS=immediate', /CLM_SKU_BILLING SEATS is listed twice/],
  ])('refuses %s, naming the entry', (_name, value, message) => {
    expect(() => loadConfig({ ...valid, CLM_SKU_BILLING: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...valid, CLM_SKU_BILLING: value })).toThrow(message);
  });

  it('names every bad entry at once', () => {
    expect(() => loadConfig({ ...valid, CLM_SKU_BILLING: 'A=x,B=delay:0d,C=manual' })).toThrow(
      /"A=x".*; CLM_SKU_BILLING "B=delay:0d"/,
    );
  });

  it('is ignored under v1, with a warning at start: v1 bills every SKU from its order', () => {
    const env = { ...valid, CLM_MARKETPLACE_API: 'v1', CLM_SKU_BILLING: 'SEATS=manual' };
    const config = loadConfig(env);
    expect(startupWarnings(config)).toContainEqual(
      expect.stringMatching(/^CLM_SKU_BILLING is ignored under CLM_MARKETPLACE_API=v1/),
    );
    expect(loadSkuBilling(env)).toEqual({ models: new Map(), fallback: { kind: 'immediate' } });
    // Still checked: a typo is one before the switch back to v2.
    expect(() => loadConfig({ ...env, CLM_SKU_BILLING: 'SEATS=x' })).toThrow(ConfigError);
    const v2 = loadConfig({ ...valid, CLM_SKU_BILLING: 'SEATS=immediate' });
    expect(startupWarnings(v2).join('\n')).not.toContain('CLM_SKU_BILLING');
  });

  it('is read alone for the orders command, manual by default', () => {
    expect(loadSkuBilling({})).toEqual({ models: new Map(), fallback: { kind: 'manual' } });
    expect(loadSkuBilling({ CLM_SKU_BILLING: 'A=next-month' }).models.get('A')).toEqual({
      kind: 'next-month',
    });
    expect(() => loadSkuBilling({ CLM_SKU_BILLING: 'A=later' })).toThrow(ConfigError);
  });
});
