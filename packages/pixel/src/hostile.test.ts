import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureBeacons, clearStorage, visit } from './test-utils';

const options = { providerKey: 'PK-123', service: 'acme-crm', collector: 'https://c.example/' };
const broken = () => {
  throw new Error('broken by the page');
};

const load = async () => {
  vi.resetModules();
  return import('./core');
};

beforeEach(() => visit('/?clm_ref=R-1'));

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  clearStorage();
});

describe('on a page that breaks globals', () => {
  it('still sends when JSON, Date.now and fetch are replaced after it loaded', async () => {
    const sent: string[] = [];
    const sendBeacon = (_url: string, body: string) => sent.push(body) > 0;
    Object.defineProperty(navigator, 'sendBeacon', { value: sendBeacon, configurable: true });
    const pixel = await load();
    pixel.init(options);
    vi.spyOn(JSON, 'stringify').mockImplementation(broken);
    vi.spyOn(JSON, 'parse').mockImplementation(broken);
    vi.spyOn(Date, 'now').mockImplementation(broken);
    vi.stubGlobal('fetch', broken);
    const result = pixel.purchase('cust-1');
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
    expect(await result).toEqual({ sent: true });
    expect(sent.map((body) => JSON.parse(body).type)).toEqual(['visit', 'purchase']);
  });

  it('answers with a real Promise when the page has replaced Promise', async () => {
    captureBeacons();
    const pixel = await load();
    pixel.init(options);
    const RealPromise = Promise;
    // Replacing Promise for longer would break the test runner: e2e/tests/hostile-page.spec.ts
    // does it in a real page, before and after the script loads.
    globalThis.Promise = broken as unknown as PromiseConstructor;
    let result: unknown;
    try {
      result = pixel.purchase('cust-1');
    } finally {
      globalThis.Promise = RealPromise;
    }
    expect(result).toBeInstanceOf(RealPromise);
    expect(await result).toEqual({ sent: true });
  });

  it('throws nothing into the page when they were broken before it loaded', async () => {
    captureBeacons(false);
    vi.stubGlobal('fetch', () => 42);
    vi.spyOn(JSON, 'stringify').mockImplementation(() => undefined as never);
    const pixel = await load();
    expect(pixel.init(options)).toBe(true);
    const result = pixel.purchase('cust-1');
    vi.unstubAllGlobals();
    expect(await result).toMatchObject({ sent: false });
  });
});
