import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { originHeaders } from './origin.js';

function exchange(headers: Record<string, string>, vary?: string | string[]) {
  const req = new IncomingMessage(new Socket());
  req.headers = headers;
  const res = new ServerResponse(req);
  if (vary !== undefined) res.setHeader('Vary', vary);
  return { req, res };
}

describe('originHeaders', () => {
  it('echoes an allowed origin, says no-store and varies on Origin', () => {
    const { req, res } = exchange({ origin: 'https://www.acme.example' });
    expect(originHeaders(req, res, ['https://www.acme.example'])).toBe(true);
    expect(res.getHeaders()).toEqual({
      vary: 'Origin',
      'access-control-allow-origin': 'https://www.acme.example',
      'cache-control': 'no-store',
    });
  });

  it('neither echoes nor admits an origin the list does not name', () => {
    const { req, res } = exchange({ origin: 'https://evil.example' });
    expect(originHeaders(req, res, ['https://www.acme.example'])).toBe(false);
    expect(res.getHeader('access-control-allow-origin')).toBeUndefined();
  });

  it.each([
    ['Accept-Encoding', 'Accept-Encoding, Origin'],
    [['Accept-Encoding', 'Cookie'], 'Accept-Encoding, Cookie, Origin'],
    ['accept-encoding, ORIGIN', 'accept-encoding, ORIGIN'],
    ['*', '*'],
    ['Cookie, *', '*'],
  ])('adds Origin to Vary: %j as Express adds it', (there, vary) => {
    const { req, res } = exchange({}, there);
    originHeaders(req, res, []);
    expect(res.getHeader('vary')).toBe(vary);
  });
});
