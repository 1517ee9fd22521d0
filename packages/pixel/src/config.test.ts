import { describe, expect, it } from 'vitest';
import * as config from './config';

const base = { providerKey: 'PK-123', service: 'acme-crm', collector: 'https://c.example/t/' };
const configured = (o: config.LooseOptions, scriptUrl?: string) => {
  config.configure(o, scriptUrl);
  const { providerKey, service, beaconUrl, windowMs, requireReferral } = config;
  return { providerKey, service, beaconUrl, windowMs, requireReferral };
};

describe('configure', () => {
  it('applies the documented defaults', () => {
    expect(configured(base)).toEqual({
      providerKey: 'PK-123',
      service: 'acme-crm',
      beaconUrl: 'https://c.example/t/beacon',
      windowMs: 30 * 864e5,
      requireReferral: true,
    });
  });

  it('adds the beacon path whether or not the collector ends with a slash', () => {
    expect(configured({ ...base, collector: 'https://c.example' }).beaconUrl).toBe(
      'https://c.example/beacon',
    );
    // A collector behind the page's own origin stays relative, resolved against the page.
    expect(configured({ ...base, collector: '/clm' }).beaconUrl).toBe('/clm/beacon');
    expect(configured({ ...base, collector: '/' }).beaconUrl).toBe('/beacon');
  });

  it('sends beacons beside the script when the tag names no collector', () => {
    const tag = { providerKey: 'PK-123', service: 'acme-crm' };
    expect(configured(tag, 'https://c.example/t/pixel.js?v=2').beaconUrl).toBe(
      'https://c.example/t/beacon',
    );
    expect(configured({ ...tag, collector: '' }, 'https://c.example/pixel.js').beaconUrl).toBe(
      'https://c.example/beacon',
    );
  });

  it('reads the string values of data-* attributes', () => {
    expect(configured({ ...base, windowDays: '7', requireReferral: 'false' })).toMatchObject({
      windowMs: 7 * 864e5,
      requireReferral: false,
    });
    expect(configured({ ...base, requireReferral: 'true' }).requireReferral).toBe(true);
    expect(configured({ ...base, requireReferral: false }).requireReferral).toBe(false);
  });

  it('falls back to 30 days for a window that is not a positive number', () => {
    for (const windowDays of ['0', '-3', 'soon', '']) {
      expect(configured({ ...base, windowDays }).windowMs).toBe(30 * 864e5);
    }
  });

  it('stays off without provider key or service, and throws without any collector', () => {
    expect(configured({ ...base, providerKey: '' }).beaconUrl).toBeFalsy();
    expect(configured({ service: 'acme-crm', collector: base.collector }).beaconUrl).toBeFalsy();
    expect(configured({ ...base, service: '' }).beaconUrl).toBeFalsy();
    expect(() => config.configure({ ...base, collector: '' })).toThrow();
  });
});
