import { beforeEach, describe, expect, it, vi } from 'vitest';
import { configure } from './config';
import { captureBeacons } from './test-utils';
import { send } from './transport';

const URL_ = 'https://c.example/beacon';

// Beacons go where configure() says.
beforeEach(() => configure({ providerKey: 'PK-1', service: 's', collector: 'https://c.example' }));

const stubFetch = (impl: () => unknown) => {
  const fetch = vi.fn(impl);
  vi.stubGlobal('fetch', fetch);
  return fetch;
};

describe('send', () => {
  it('uses sendBeacon with the JSON as a plain string body', () => {
    const { sendBeacon } = captureBeacons();
    const fetch = stubFetch(() => Promise.resolve());
    expect(send('{"a":1}')).toBeTruthy();
    expect(sendBeacon).toHaveBeenCalledWith(URL_, '{"a":1}');
    expect(fetch).not.toHaveBeenCalled();
  });

  it('falls back to fetch with keepalive when sendBeacon refuses', () => {
    captureBeacons(false);
    const fetch = stubFetch(() => Promise.resolve());
    expect(send('{"a":1}')).toBeTruthy();
    expect(fetch).toHaveBeenCalledWith(URL_, { method: 'POST', body: '{"a":1}', keepalive: true });
  });

  it('falls back to fetch when sendBeacon is missing, and swallows a rejected fetch', async () => {
    Object.defineProperty(navigator, 'sendBeacon', { value: undefined, configurable: true });
    const fetch = stubFetch(() => Promise.reject(new TypeError('offline')));
    expect(send('x')).toBeTruthy();
    expect(fetch).toHaveBeenCalledOnce();
    await new Promise((r) => setTimeout(r, 0));
  });

  it('makes no image request: neither transport working is a failure, without throwing', () => {
    Object.defineProperty(navigator, 'sendBeacon', { value: undefined, configurable: true });
    stubFetch(() => {
      throw new TypeError('fetch is broken');
    });
    const image = vi.fn();
    vi.stubGlobal('Image', image);
    expect(send('x')).toBeFalsy();
    vi.stubGlobal('fetch', undefined);
    expect(send('x')).toBeFalsy();
    expect(image).not.toHaveBeenCalled();
  });
});
