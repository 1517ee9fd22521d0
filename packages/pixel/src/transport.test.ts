import { describe, expect, it, vi } from 'vitest';
import { captureBeacons } from './test-utils';
import { send } from './transport';

const URL_ = 'https://c.example/beacon';

const stubFetch = (impl: () => unknown) => {
  const fetch = vi.fn(impl);
  vi.stubGlobal('fetch', fetch);
  return fetch;
};

const stubImage = () => {
  const images: { src: string }[] = [];
  vi.stubGlobal(
    'Image',
    class {
      constructor() {
        images.push(this as unknown as { src: string });
      }
    },
  );
  return images;
};

describe('send', () => {
  it('uses sendBeacon with the JSON as a plain string body', () => {
    const { sendBeacon } = captureBeacons();
    const fetch = stubFetch(() => Promise.resolve());
    expect(send(URL_, '{"a":1}')).toBe(true);
    expect(sendBeacon).toHaveBeenCalledWith(URL_, '{"a":1}');
    expect(fetch).not.toHaveBeenCalled();
  });

  it('falls back to fetch with keepalive when sendBeacon refuses', () => {
    captureBeacons(false);
    const fetch = stubFetch(() => Promise.resolve());
    expect(send(URL_, '{"a":1}')).toBe(true);
    expect(fetch).toHaveBeenCalledWith(URL_, { method: 'POST', body: '{"a":1}', keepalive: true });
  });

  it('falls back to fetch when sendBeacon is missing, and swallows a rejected fetch', async () => {
    Object.defineProperty(navigator, 'sendBeacon', { value: undefined, configurable: true });
    const fetch = stubFetch(() => Promise.reject(new TypeError('offline')));
    expect(send(URL_, 'x')).toBe(true);
    expect(fetch).toHaveBeenCalledOnce();
    await new Promise((r) => setTimeout(r, 0));
  });

  it('uses an image request when neither sendBeacon nor fetch works', () => {
    Object.defineProperty(navigator, 'sendBeacon', { value: undefined, configurable: true });
    stubFetch(() => {
      throw new TypeError('fetch is broken');
    });
    const images = stubImage();
    expect(send(URL_, '{"a":"b c"}')).toBe(true);
    expect(images[0]?.src).toBe(`${URL_}?d=${encodeURIComponent('{"a":"b c"}')}`);
  });

  it('reports failure, without throwing, when every transport fails', () => {
    Object.defineProperty(navigator, 'sendBeacon', { value: undefined, configurable: true });
    vi.stubGlobal('fetch', undefined);
    vi.stubGlobal('Image', undefined);
    expect(send(URL_, 'x')).toBe(false);
  });
});
