import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureBeacons, clearStorage, visit } from './test-utils';

// Issue 12: what a landing link or a page hands the pixel is cleaned so the collector
// accepts every beacon; the script boots without document.currentScript.

const options = { providerKey: 'PK-123', service: 'acme-crm', collector: 'https://c.example/' };
const load = async () => {
  vi.resetModules();
  return import('./core');
};
const UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}]/u;
const bytes = (text: string) => new TextEncoder().encode(text).length;

afterEach(() => {
  clearStorage();
  visit('/');
});

describe('finding 2: referral text the collector would refuse', () => {
  it('drops control characters from utm values (utm_medium=a%0Ab)', async () => {
    const { sent } = captureBeacons();
    visit('/?clm_ref=R&utm_medium=a%0Ab');
    (await load()).init(options);
    expect(sent[0]?.body.ref).toMatchObject({ id: 'R', utm: { medium: 'ab' } });
  });

  it('never splits a surrogate pair when trimming', async () => {
    captureBeacons();
    // 128 UTF-16 units for the id, 170 for a utm value: the emoji's pair straddles the cut.
    visit(`/?clm_ref=${'r'.repeat(127)}%F0%9F%98%80&utm_source=${'s'.repeat(169)}%F0%9F%98%80`);
    const pixel = await load();
    pixel.init(options);
    const ref = pixel.referral();
    expect(ref?.id).toBe('r'.repeat(127));
    expect(ref?.utm.source).toBe('s'.repeat(169));
  });

  it('keeps a beacon with ten long CJK utm values within the 8 KB the collector accepts', async () => {
    const { sent } = captureBeacons();
    const cjk = encodeURIComponent('漢'.repeat(300));
    const utm = Array.from({ length: 10 }, (_, i) => `utm_${'k'.repeat(i + 1)}=${cjk}`).join('&');
    visit(`/?clm_ref=${encodeURIComponent('参'.repeat(200))}&${utm}`);
    const pixel = await load();
    pixel.init({ ...options, providerKey: 'K'.repeat(128), service: 'S'.repeat(128) });
    await pixel.purchase('客'.repeat(256));
    expect(sent.map((b) => b.body.type)).toEqual(['visit', 'purchase']);
    for (const { body } of sent) {
      expect(bytes(JSON.stringify(body))).toBeLessThanOrEqual(8192);
      const ref = body.ref as { id: string; utm: Record<string, string> };
      expect(ref.id.length).toBeLessThanOrEqual(128);
      expect(Object.keys(ref.utm)).toHaveLength(10);
      for (const value of Object.values(ref.utm)) expect(value.length).toBeLessThanOrEqual(256);
    }
  });

  it('drops lone surrogates and invisible format characters (bidi overrides, zero-width)', async () => {
    captureBeacons();
    visit('/?clm_ref=R%E2%80%AE-1%E2%80%8B&utm_source=a%ED%A0%80b&utm_term=x%E2%81%A6y%EF%BB%BF');
    const pixel = await load();
    pixel.init(options);
    const ref = pixel.referral();
    expect(ref?.id).toBe('R-1');
    // %ED%A0%80 is not UTF-8: URLSearchParams reads it as U+FFFD, which is kept.
    expect(ref?.utm.source).not.toMatch(UNSAFE);
    expect(ref?.utm.term).toBe('xy');
  });
});

describe('finding 5: ids NFC-normalised, invisible format characters removed', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-03-01T10:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('normalises the referral id to NFC', async () => {
    captureBeacons();
    visit('/?clm_ref=Jose%CC%81');
    const pixel = await load();
    pixel.init(options);
    expect(pixel.referral()?.id).toBe('Jos\u00e9');
  });

  it('sends customer ids in NFC without invisible format characters', async () => {
    const { sent } = captureBeacons();
    visit('/?clm_ref=R');
    const pixel = await load();
    pixel.init(options);
    expect(await pixel.purchase('cust\u200b-1\u202e')).toEqual({ sent: true });
    expect(await pixel.purchase('Jose\u0301')).toEqual({ sent: true });
    expect(sent.slice(1).map((b) => b.body.customerId)).toEqual(['cust-1', 'Jos\u00e9']);
    // The same customer, written differently, is still the same customer.
    expect(await pixel.purchase('cust-1')).toEqual({ sent: false, reason: 'already-sent' });
    expect(await pixel.purchase('Jos\u00e9')).toEqual({ sent: false, reason: 'already-sent' });
  });

  it('cleans customer ids like referral ids, and refuses one with nothing left', async () => {
    const { sent } = captureBeacons();
    visit('/?clm_ref=R');
    const pixel = await load();
    pixel.init(options);
    expect(await pixel.purchase('a\ud800')).toEqual({ sent: true });
    expect(await pixel.purchase('b\u0000\n')).toEqual({ sent: true });
    expect(sent.slice(1).map((b) => b.body.customerId)).toEqual(['a', 'b']);
    for (const bad of ['\udc00', '\u200b\u2060', '\n']) {
      expect(await pixel.purchase(bad)).toEqual({ sent: false, reason: 'invalid-id' });
    }
    expect(sent).toHaveLength(3);
  });
});

describe('finding 5: a tag injected by a tag manager (document.currentScript is null)', () => {
  afterEach(() => {
    delete window.clmPixel;
    for (const s of document.querySelectorAll('script')) s.remove();
  });

  it('finds its own tag by data-provider-key and installs the API', async () => {
    const { sent } = captureBeacons();
    visit('/?clm_ref=R-GTM');
    // Parsed from HTML, as a tag manager's snippet is; such a script does not load here.
    document.head.insertAdjacentHTML(
      'beforeend',
      '<script async src="https://collect.example/t/pixel.js" data-provider-key="PK-123" data-service="acme-crm"></script>',
    );
    expect(document.currentScript).toBeNull();
    vi.resetModules();
    await import('./iife');
    expect(typeof window.clmPixel?.referral).toBe('function');
    expect(window.clmPixel?.referral?.()?.id).toBe('R-GTM');
    expect(sent[0]?.url).toBe('https://collect.example/t/beacon');
  });
});
