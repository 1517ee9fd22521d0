import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureBeacons, clearStorage, visit } from './test-utils';
import type { Options } from './types';

const options: Options = {
  providerKey: 'PK-123',
  service: 'acme-crm',
  collector: 'https://collect.example/t/',
};
const DAY = 864e5;
// What the collector accepts as an event id (tracking/beacon-schema.ts).
const EVENT_ID = /^[A-Za-z0-9_-]{8,64}$/;

// core keeps its settings in module state: each test gets a fresh copy.
const load = async () => {
  vi.resetModules();
  return import('./core');
};

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-03-01T10:00:00Z') });
  visit('/');
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  clearStorage();
});

describe('init', () => {
  it('refuses to start without a provider key or service, and sends nothing', async () => {
    const { sent } = captureBeacons();
    visit('/?clm_ref=R1');
    const pixel = await load();
    expect(pixel.init({ ...options, providerKey: '' })).toBe(false);
    expect(pixel.init({ ...options, service: '' })).toBe(false);
    expect(sent).toHaveLength(0);
    expect(await pixel.purchase('c-1')).toEqual({ sent: false, reason: 'off' });
  });

  it('says why it did not start when debugging, and is silent otherwise', async () => {
    const consoleLog = vi.spyOn(console, 'log').mockImplementation(() => {});
    const pixel = await load();
    pixel.init({ ...options, providerKey: '' });
    expect(consoleLog).not.toHaveBeenCalled();
    pixel.init({ ...options, providerKey: '', debug: true });
    expect(consoleLog).toHaveBeenCalledWith(
      '[clm-pixel]',
      expect.stringContaining('data-provider-key'),
    );
  });

  it('says why a purchase was not sent when debugging', async () => {
    captureBeacons();
    const consoleLog = vi.spyOn(console, 'log').mockImplementation(() => {});
    const pixel = await load();
    pixel.init({ ...options, debug: true });
    await pixel.purchase('c-1');
    expect(consoleLog).toHaveBeenCalledWith(
      '[clm-pixel]',
      'purchase',
      'c-1',
      expect.stringMatching(/^not sent: no-referral: no marketplace referral/),
    );
  });

  it('sends no request on an ordinary page view', async () => {
    const { sent } = captureBeacons();
    visit('/pricing?utm_source=newsletter');
    const pixel = await load();
    expect(pixel.init(options)).toBe(true);
    expect(sent).toHaveLength(0);
    expect(pixel.referral()).toBeNull();
  });

  it('stores a landing referral and sends one visit beacon for it', async () => {
    const { sent } = captureBeacons();
    visit('/?clm_ref=R1&utm_source=clm');
    const pixel = await load();
    pixel.init(options);
    const ref = { id: 'R1', at: Date.now(), utm: { source: 'clm' } };
    expect(pixel.referral()).toEqual(ref);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.url).toBe('https://collect.example/t/beacon');
    expect(sent[0]?.body).toEqual({
      v: 1,
      type: 'visit',
      id: expect.stringMatching(EVENT_ID),
      key: 'PK-123',
      service: 'acme-crm',
      ref,
      time: Date.now(),
    });
  });

  it('does not count a reload of the same landing as a new visit', async () => {
    const { sent } = captureBeacons();
    visit('/?clm_ref=R1');
    (await load()).init(options);
    (await load()).init(options);
    expect(sent).toHaveLength(1);
  });

  it('lets the last click win', async () => {
    const { sent } = captureBeacons();
    visit('/?clm_ref=R1');
    (await load()).init(options);
    vi.setSystemTime(Date.now() + DAY);
    visit('/?clm_ref=R2');
    const pixel = await load();
    pixel.init(options);
    expect(pixel.referral()?.id).toBe('R2');
    expect(sent.map((b) => (b.body.ref as { id: string }).id)).toEqual(['R1', 'R2']);
  });

  it('reads a renamed referral parameter', async () => {
    captureBeacons();
    visit('/?mkt=M1&clm_ref=ignored');
    const pixel = await load();
    pixel.init({ ...options, referralParam: 'mkt' });
    expect(pixel.referral()?.id).toBe('M1');
  });

  it('forgets the referral once the window has passed', async () => {
    captureBeacons();
    visit('/?clm_ref=R1');
    const pixel = await load();
    pixel.init({ ...options, windowDays: 7 });
    vi.setSystemTime(Date.now() + 7 * DAY - 1);
    expect(pixel.referral()?.id).toBe('R1');
    vi.setSystemTime(Date.now() + 2);
    expect(pixel.referral()).toBeNull();
  });

  it("remembers in memory for the page's life when localStorage throws, and writes no cookie", async () => {
    const { sent } = captureBeacons();
    vi.spyOn(window, 'localStorage', 'get').mockImplementation(() => {
      throw new DOMException('blocked', 'SecurityError');
    });
    const cookie = vi.spyOn(document, 'cookie', 'set');
    visit('/?clm_ref=R1');
    const pixel = await load();
    expect(pixel.init(options)).toBe(true);
    expect(pixel.referral()?.id).toBe('R1');
    visit('/signup/thanks');
    expect(await pixel.purchase('c-1')).toEqual({ sent: true });
    expect(await pixel.purchase('c-1')).toEqual({ sent: false, reason: 'already-sent' });
    expect(sent.map((b) => b.body.type)).toEqual(['visit', 'purchase']);
    expect(cookie).not.toHaveBeenCalled();
    // The next page starts with nothing: memory lasts as long as the page.
    const next = await load();
    next.init(options);
    expect(next.referral()).toBeNull();
  });
});

describe('purchase', () => {
  const landed = async (extra: Partial<Options> = {}) => {
    const beacons = captureBeacons();
    visit('/?clm_ref=R1&utm_campaign=spring');
    const pixel = await load();
    pixel.init({ ...options, ...extra });
    visit('/signup/thanks');
    beacons.sent.length = 0;
    return { pixel, ...beacons };
  };

  it('sends one beacon with provider key, service, customer, referral, event id and time', async () => {
    const { pixel, sent } = await landed();
    vi.setSystemTime(Date.now() + 3 * DAY);
    expect(await pixel.purchase('cust-42')).toEqual({ sent: true });
    expect(sent).toEqual([
      {
        url: 'https://collect.example/t/beacon',
        body: {
          v: 1,
          type: 'purchase',
          id: expect.stringMatching(EVENT_ID),
          key: 'PK-123',
          service: 'acme-crm',
          customerId: 'cust-42',
          ref: { id: 'R1', at: Date.now() - 3 * DAY, utm: { campaign: 'spring' } },
          time: Date.now(),
        },
      },
    ]);
  });

  it('gives every beacon its own event id', async () => {
    const { pixel, sent } = await landed();
    await pixel.purchase('a');
    await pixel.purchase('b');
    expect(sent[0]?.body.id).not.toBe(sent[1]?.body.id);
  });

  it('sends the same customer once per browser within the window', async () => {
    const { pixel, sent } = await landed();
    expect(await pixel.purchase('cust-42')).toEqual({ sent: true });
    // A reload of the thank-you page runs a fresh copy of the script.
    const reloaded = await load();
    reloaded.init(options);
    expect(await reloaded.purchase('cust-42')).toEqual({ sent: false, reason: 'already-sent' });
    expect(await reloaded.purchase('cust-43')).toEqual({ sent: true });
    expect(sent.map((b) => b.body.customerId)).toEqual(['cust-42', 'cust-43']);
  });

  it('does not send without a referral unless told to', async () => {
    const { sent } = captureBeacons();
    const pixel = await load();
    pixel.init(options);
    expect(await pixel.purchase('c-1')).toEqual({ sent: false, reason: 'no-referral' });
    expect(sent).toHaveLength(0);

    const open = await load();
    open.init({ ...options, requireReferral: false });
    expect(await open.purchase('c-1')).toEqual({ sent: true });
    expect(sent[0]?.body).toMatchObject({ type: 'purchase', customerId: 'c-1', ref: null });
  });

  it('does not send a purchase after the referral window', async () => {
    const { pixel, sent } = await landed();
    vi.setSystemTime(Date.now() + 31 * DAY);
    expect(await pixel.purchase('c-1')).toEqual({ sent: false, reason: 'no-referral' });
    expect(sent).toHaveLength(0);
  });

  it('turns numeric customer ids into strings and refuses ids it cannot send', async () => {
    const { pixel, sent } = await landed();
    expect(await pixel.purchase(1001)).toEqual({ sent: true });
    expect(sent[0]?.body.customerId).toBe('1001');
    const bad = ['', '\n\u200b', 'x'.repeat(257), null, undefined, {}, ['c'], NaN, 10n, true];
    for (const id of bad) {
      expect(await pixel.purchase(id)).toEqual({ sent: false, reason: 'invalid-id' });
    }
    expect(sent).toHaveLength(1);
  });

  it('reports a transport failure and lets the customer be sent later', async () => {
    const { pixel } = await landed();
    Object.defineProperty(navigator, 'sendBeacon', { value: () => false, configurable: true });
    vi.stubGlobal('fetch', undefined);
    expect(await pixel.purchase('c-1')).toEqual({ sent: false, reason: 'error' });
    const { sent } = captureBeacons();
    expect(await pixel.purchase('c-1')).toEqual({ sent: true });
    expect(sent).toHaveLength(1);
  });

  it('resolves, never rejects, when the page has broken what it relies on', async () => {
    const { pixel, sent } = await landed({ requireReferral: false });
    vi.spyOn(String.prototype, 'normalize').mockImplementation(() => {
      throw new Error('broken');
    });
    await expect(pixel.purchase('c-1')).resolves.toEqual({ sent: false, reason: 'error' });
    expect(sent).toHaveLength(0);
  });
});
