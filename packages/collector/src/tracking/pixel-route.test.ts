import { createHash } from 'node:crypto';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { startTestCollector } from '../test-support/collector.js';
import { listen } from '../test-support/http.js';
import { type PixelBuild, pixelInfo, pixelRouter } from './pixel-route.js';

const PIXEL = Buffer.from('(function(){/* pixel */})();');
const DEBUG = Buffer.from('(function(){console.log("[clm-pixel]","debug")})();');

/** Just the pixel router, with both builds given (or null: not built). */
const serveBuilds = (script: Buffer | null, debugScript: Buffer | null) =>
  listen(express().use(pixelRouter(script, debugScript)));

describe.each<[PixelBuild, Buffer]>([
  ['pixel.js', PIXEL],
  ['pixel.debug.js', DEBUG],
])('GET /%s', (build, script) => {
  it('serves the script with a strong ETag and answers 304 when it matches', async () => {
    const url = await serveBuilds(PIXEL, DEBUG);
    const res = await fetch(`${url}/${build}`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(script);
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(Object.fromEntries(res.headers)).toMatchObject({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=300',
      'access-control-allow-origin': '*',
      'cross-origin-resource-policy': 'cross-origin',
      'x-content-type-options': 'nosniff',
    });

    const cached = await fetch(`${url}/${build}`, { headers: { 'if-none-match': etag ?? '' } });
    expect(cached.status).toBe(304);
    expect(await cached.text()).toBe('');
    const weak = await fetch(`${url}/${build}`, { headers: { 'if-none-match': `"x", W/${etag}` } });
    expect(weak.status).toBe(304);
    const stale = await fetch(`${url}/${build}`, { headers: { 'if-none-match': '"other"' } });
    expect(stale.status).toBe(200);
  });

  it('serves the same bytes at an immutable pinned name for Subresource Integrity', async () => {
    const url = await serveBuilds(PIXEL, DEBUG);
    const sha384 = createHash('sha384').update(script).digest();
    const info = pixelInfo(script, build);
    expect(info).toEqual({
      file: build.replace(/js$/, `${sha384.toString('hex').slice(0, 16)}.js`),
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
    const wrong = build.replace(/js$/, '0000000000000000.js');
    expect((await fetch(`${url}/${wrong}`)).status).toBe(404);
  });

  it('answers 503 when that build is missing, and still serves the other', async () => {
    const url = await serveBuilds(
      build === 'pixel.js' ? null : PIXEL,
      build === 'pixel.debug.js' ? null : DEBUG,
    );
    const res = await fetch(`${url}/${build}`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: `${build} not built` });
    const other = build === 'pixel.js' ? 'pixel.debug.js' : 'pixel.js';
    expect((await fetch(`${url}/${other}`)).status).toBe(200);
  });
});

describe('the collector app', () => {
  it('serves /pixel.js and, read beside it, /pixel.debug.js', async () => {
    const { url } = await startTestCollector({ pixelScript: PIXEL });
    const res = await fetch(`${url}/pixel.js`);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PIXEL);
    // The debug build comes from @clm/pixel's dist when it has been built (pnpm build).
    expect([200, 503]).toContain((await fetch(`${url}/pixel.debug.js`)).status);
  });

  it('answers 503 for /pixel.js when the pixel has not been built', async () => {
    const { url } = await startTestCollector({ pixelScript: null });
    expect((await fetch(`${url}/pixel.js`)).status).toBe(503);
  });

  it('names the two builds apart', () => {
    expect(pixelInfo(PIXEL).file).toMatch(/^pixel\.[0-9a-f]{16}\.js$/);
    expect(pixelInfo(PIXEL, 'pixel.debug.js').file).toMatch(/^pixel\.debug\.[0-9a-f]{16}\.js$/);
  });
});
