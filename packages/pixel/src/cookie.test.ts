// @vitest-environment-options {"url":"https://www.site.test/"}
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureBeacons, clearStorage, visit } from './test-utils';
import type { Options, Referral } from './types';

const options: Options = {
  providerKey: 'PK-123',
  service: 'acme-crm',
  collector: 'https://collect.site.test',
  cookieDomain: 'site.test',
};
const DAY = 864e5;

const load = async () => {
  vi.resetModules();
  return import('./core');
};

const setCookie = (text: string) => {
  // biome-ignore lint/suspicious/noDocumentCookie: the page's cookie jar is what the pixel reads.
  document.cookie = text;
};
// What the pixel on another subdomain of site.test wrote: the cookie a page here receives.
const sharedCookie = (ref: Referral) =>
  setCookie(`clm_ref=${encodeURIComponent(JSON.stringify(ref))};domain=site.test;path=/`);
const cookieWrites = () => {
  const spy = vi.spyOn(document, 'cookie', 'set');
  // A spy made again on the same accessor keeps the calls it had.
  spy.mockClear();
  return spy;
};
const clearCookie = () => {
  const past = ';path=/;expires=Thu, 01 Jan 1970 00:00:00 GMT';
  setCookie(`clm_ref=${past}`);
  setCookie(`clm_ref=;domain=site.test${past}`);
};

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-03-01T10:00:00Z') });
  visit('/');
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  clearStorage();
  clearCookie();
});

describe('data-cookie-domain', () => {
  it('keeps a landing referral in a clm_ref cookie on the domain, as URI-encoded JSON', async () => {
    captureBeacons();
    const writes = cookieWrites();
    visit('/?clm_ref=R1&utm_source=clm');
    (await load()).init({ ...options, windowDays: 7 });
    const whole = { id: 'R1', at: Date.now(), utm: { source: 'clm' } };
    const attributes = ';domain=site.test;path=/;max-age=604800;samesite=lax;secure';
    // The id alone first: a browser that refuses the whole cookie (over 4 KB) keeps it.
    expect(writes.mock.calls.map(([text]) => text)).toEqual([
      `clm_ref=${encodeURIComponent(JSON.stringify({ id: 'R1', at: whole.at }))}${attributes}`,
      `clm_ref=${encodeURIComponent(JSON.stringify(whole))}${attributes}`,
    ]);
    // What a backend does with it (README): decode, parse.
    const value = /(?:^|; )clm_ref=([^;]*)/.exec(document.cookie)?.[1] ?? '';
    expect(JSON.parse(decodeURIComponent(value))).toEqual(whole);
  });

  it('gives the cookie a whole number of seconds for a fractional window, which browsers keep', async () => {
    captureBeacons();
    const writes = cookieWrites();
    visit('/?clm_ref=R1');
    // 0.7 days is 60,479.99999999999 s in floating point: a max-age browsers ignore, leaving
    // a session cookie that can outlive the window.
    (await load()).init({ ...options, windowDays: 0.7 });
    const maxAges = writes.mock.calls.map(([text]) => /;max-age=([^;]*)/.exec(text)?.[1]);
    expect(maxAges).toEqual(['60479', '60479']);
  });

  it('gives a page with no referral of its own the cookie’s, and sends its purchase', async () => {
    const { sent } = captureBeacons();
    sharedCookie({ id: 'R8', at: Date.now() - DAY, utm: { campaign: 'spring' } });
    visit('/signup');
    const pixel = await load();
    pixel.init(options);
    expect(pixel.referral()?.id).toBe('R8');
    expect(await pixel.purchase('c8')).toEqual({ sent: true });
    expect(sent[0]?.body.ref).toEqual({
      id: 'R8',
      at: Date.now() - DAY,
      utm: { campaign: 'spring' },
    });
  });

  it('prefers a newer referral in the cookie over an older one of the page, and not the reverse', async () => {
    captureBeacons();
    visit('/?clm_ref=OLD');
    (await load()).init(options);
    vi.setSystemTime(Date.now() + DAY);
    sharedCookie({ id: 'NEW', at: Date.now(), utm: {} });
    visit('/signup');
    const pixel = await load();
    pixel.init(options);
    expect(pixel.referral()?.id).toBe('NEW');

    sharedCookie({ id: 'OLDER', at: Date.now() - 2 * DAY, utm: {} });
    localStorage.setItem('clm_ref', JSON.stringify({ id: 'MINE', at: Date.now(), utm: {} }));
    expect(pixel.referral()?.id).toBe('MINE');
  });

  it('ignores the cookie past the window, and a cookie it cannot read', async () => {
    captureBeacons();
    const pixel = await load();
    pixel.init({ ...options, windowDays: 7 });
    sharedCookie({ id: 'R1', at: Date.now() - 7 * DAY, utm: {} });
    expect(pixel.referral()).toBeNull();
    setCookie('clm_ref=%7Bnot%20json;domain=site.test;path=/');
    expect(pixel.referral()).toBeNull();
    expect(await pixel.purchase('c1')).toEqual({ sent: false, reason: 'no-referral' });
  });

  it('keeps the page’s own referral over a clm_ref cookie it did not write', async () => {
    captureBeacons();
    visit('/?clm_ref=MINE');
    const pixel = await load();
    pixel.init(options);
    clearCookie();
    // What a backend may store under the same name, raw or as other JSON.
    const foreign = ['12345', '%7B%22id%22%3A%22X%22%7D', 'null', '%22R9%22'];
    for (const value of foreign) {
      setCookie(`clm_ref=${value};domain=site.test;path=/`);
      expect(pixel.referral()?.id, value).toBe('MINE');
    }
    expect(await pixel.purchase('c1')).toEqual({ sent: true });
  });

  it('never takes a newer cookie without a usable id, with a referral of its own or none', async () => {
    captureBeacons();
    const pixel = await load();
    pixel.init(options);
    const at = Date.now();
    const noIds = [{ at }, { id: 5, at }, { id: '', at }, { id: ['R1'], at }, { id: null, at }];
    for (const shared of noIds) {
      sharedCookie(shared as unknown as Referral);
      expect(pixel.referral(), JSON.stringify(shared)).toBeNull();
    }
    expect(await pixel.purchase('c1')).toEqual({ sent: false, reason: 'no-referral' });
    localStorage.setItem('clm_ref', JSON.stringify({ id: 'MINE', at: Date.now() - DAY, utm: {} }));
    for (const shared of noIds) {
      sharedCookie(shared as unknown as Referral);
      expect(pixel.referral()?.id, JSON.stringify(shared)).toBe('MINE');
    }
  });

  it('neither reads nor writes a cookie without the option', async () => {
    const { sent } = captureBeacons();
    sharedCookie({ id: 'R8', at: Date.now(), utm: {} });
    const writes = cookieWrites();
    const reads = vi.spyOn(document, 'cookie', 'get');
    visit('/?clm_ref=R1');
    const pixel = await load();
    const { cookieDomain: _, ...without } = options;
    pixel.init(without);
    expect(await pixel.purchase('c1')).toEqual({ sent: true });
    expect(sent[1]?.body.ref).toMatchObject({ id: 'R1' });
    expect(writes).not.toHaveBeenCalled();
    expect(reads).not.toHaveBeenCalled();
  });

  it('says when it writes and reads the cookie when debugging', async () => {
    captureBeacons();
    const consoleLog = vi.spyOn(console, 'log').mockImplementation(() => {});
    visit('/?clm_ref=R1');
    const pixel = await load();
    pixel.init({ ...options, debug: true });
    pixel.referral();
    expect(consoleLog).toHaveBeenCalledWith(
      '[clm-pixel]',
      'wrote cookie clm_ref on',
      'site.test',
      expect.objectContaining({ id: 'R1' }),
    );
    expect(consoleLog).toHaveBeenCalledWith(
      '[clm-pixel]',
      'read cookie clm_ref:',
      expect.objectContaining({ id: 'R1' }),
    );
  });
});

describe('the largest referral the pixel keeps', () => {
  it('fits in the cookie by its id alone when the whole would pass 4 KB', async () => {
    captureBeacons();
    const writes = cookieWrites();
    // 128 units of id and ten 170-unit utm values, each unit 9 bytes once URI-encoded.
    const wide = '€'.repeat(170);
    const utm = Array.from({ length: 10 }, (_, i) => `utm_k${'x'.repeat(i)}=${wide}`).join('&');
    visit(`/?clm_ref=${'é'.repeat(128)}&${utm}`);
    (await load()).init(options);
    const [idOnly, whole] = writes.mock.calls.map(([text]) => text.split(';')[0] as string);
    expect(new TextEncoder().encode(idOnly).length).toBeLessThanOrEqual(4096);
    expect(JSON.parse(decodeURIComponent(idOnly?.slice('clm_ref='.length) ?? ''))).toEqual({
      id: 'é'.repeat(128),
      at: Date.now(),
    });
    expect(new TextEncoder().encode(whole).length).toBeGreaterThan(4096);
  });
});
