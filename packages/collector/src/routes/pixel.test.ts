import { describe, expect, it } from 'vitest';
import { startTestCollector } from '../test-support/collector.js';

describe('GET /pixel.js', () => {
  it('serves the script with a strong ETag and answers 304 when it matches', async () => {
    const script = Buffer.from('(function(){/* pixel */})();');
    const { url } = await startTestCollector({ pixelScript: script });
    const res = await fetch(`${url}/pixel.js`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(script);
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(Object.fromEntries(res.headers)).toMatchObject({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=300',
      'cross-origin-resource-policy': 'cross-origin',
    });

    const cached = await fetch(`${url}/pixel.js`, { headers: { 'if-none-match': etag ?? '' } });
    expect(cached.status).toBe(304);
    expect(await cached.text()).toBe('');
    const weak = await fetch(`${url}/pixel.js`, { headers: { 'if-none-match': `"x", W/${etag}` } });
    expect(weak.status).toBe(304);
    const stale = await fetch(`${url}/pixel.js`, { headers: { 'if-none-match': '"other"' } });
    expect(stale.status).toBe(200);
  });

  it('answers 503 when the pixel has not been built', async () => {
    const { url } = await startTestCollector({ pixelScript: null });
    const res = await fetch(`${url}/pixel.js`);
    expect(res.status).toBe(503);
  });
});
