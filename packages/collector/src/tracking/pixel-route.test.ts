import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startTestCollector } from '../test-support/collector.js';
import { pixelInfo } from './pixel-route.js';

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

  it('serves the same bytes at an immutable pixel.<hash>.js for Subresource Integrity', async () => {
    const script = Buffer.from('(function(){/* pixel v2 */})();');
    const { url } = await startTestCollector({ pixelScript: script });
    const sha384 = createHash('sha384').update(script).digest();
    const info = pixelInfo(script);
    expect(info).toEqual({
      file: `pixel.${sha384.toString('hex').slice(0, 16)}.js`,
      integrity: `sha384-${sha384.toString('base64')}`,
    });
    const res = await fetch(`${url}/${info.file}`, { headers: { origin: 'https://shop.example' } });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(script);
    expect(Object.fromEntries(res.headers)).toMatchObject({
      'cache-control': 'public, max-age=31536000, immutable',
      'access-control-allow-origin': '*',
      'content-type': 'text/javascript; charset=utf-8',
    });
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect((await fetch(`${url}/pixel.0000000000000000.js`)).status).toBe(404);
  });
});
