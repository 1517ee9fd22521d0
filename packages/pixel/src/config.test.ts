import { describe, expect, it } from 'vitest';
import { isDebug, resolveSettings } from './config';

const base = { providerKey: 'PK-123', service: 'acme-crm', collector: 'https://c.example/t/' };

describe('resolveSettings', () => {
  it('applies the documented defaults', () => {
    expect(resolveSettings(base)).toEqual({
      _key: 'PK-123',
      _service: 'acme-crm',
      _url: 'https://c.example/t/beacon',
      _window: 30 * 864e5,
      _requireReferral: true,
    });
  });

  it('adds the beacon path whether or not the collector ends with a slash', () => {
    expect(resolveSettings({ ...base, collector: 'https://c.example' })?._url).toBe(
      'https://c.example/beacon',
    );
  });

  it('reads the string values of data-* attributes', () => {
    const s = resolveSettings({ ...base, windowDays: '7', requireReferral: 'false' });
    expect(s?._window).toBe(7 * 864e5);
    expect(s?._requireReferral).toBe(false);
    expect(resolveSettings({ ...base, requireReferral: 'true' })?._requireReferral).toBe(true);
    expect(resolveSettings({ ...base, requireReferral: false })?._requireReferral).toBe(false);
  });

  it('falls back to 30 days for a window that is not a positive number', () => {
    for (const windowDays of ['0', '-3', 'soon', '']) {
      expect(resolveSettings({ ...base, windowDays })?._window).toBe(30 * 864e5);
    }
  });

  it('refuses to start without provider key, service or collector', () => {
    expect(resolveSettings({ ...base, providerKey: '' })).toBeUndefined();
    expect(resolveSettings({ service: 'acme-crm', collector: base.collector })).toBeUndefined();
    expect(resolveSettings({ ...base, service: '' })).toBeUndefined();
    expect(resolveSettings({ ...base, collector: '' })).toBeUndefined();
  });
});

describe('isDebug', () => {
  it('is on for a bare data-debug attribute or true, off when absent or "false"', () => {
    expect(isDebug({ debug: '' })).toBe(true);
    expect(isDebug({ debug: true })).toBe(true);
    expect(isDebug({ debug: 'true' })).toBe(true);
    expect(isDebug({})).toBe(false);
    expect(isDebug({ debug: false })).toBe(false);
    expect(isDebug({ debug: 'false' })).toBe(false);
  });
});
