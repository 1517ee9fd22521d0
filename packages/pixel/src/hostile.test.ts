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
  // Replacing Promise would break the test runner itself: e2e/tests/hostile.spec.ts does it
  // in a real page.
  it('still sends when JSON and fetch are replaced after it loaded', async () => {
    const sent: string[] = [];
    const sendBeacon = (_url: string, body: string) => sent.push(body) > 0;
    Object.defineProperty(navigator, 'sendBeacon', { value: sendBeacon, configurable: true });
    const pixel = await load();
    pixel.init(options);
    vi.spyOn(JSON, 'stringify').mockImplementation(broken);
    vi.spyOn(JSON, 'parse').mockImplementation(broken);
    vi.stubGlobal('fetch', broken);
    const result = pixel.purchase('cust-1');
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
    expect(await result).toEqual({ sent: true });
    expect(sent.map((body) => JSON.parse(body).type)).toEqual(['visit', 'purchase']);
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
