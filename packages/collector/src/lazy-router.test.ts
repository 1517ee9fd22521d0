import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { describe, expect, it } from 'vitest';
import { lazyHandler } from './lazy-router.js';
import { listen } from './test-support/http.js';

async function serve(handler: RequestHandler) {
  const app = express();
  app.use('/lazy', handler);
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    res.status(500).send(`failed: ${(error as Error).message}`);
  };
  app.use(onError);
  return listen(app);
}

describe('lazyHandler', () => {
  it('loads once, on the first request, for requests that arrive together', async () => {
    let loads = 0;
    const url = await serve(
      lazyHandler(async () => {
        loads++;
        return (req, res) => void res.send(`loaded for ${req.url}`);
      }),
    );
    expect(loads).toBe(0);
    const answers = await Promise.all(
      ['/a', '/b', '/c'].map((path) => fetch(`${url}/lazy${path}`)),
    );
    expect(await Promise.all(answers.map((res) => res.text()))).toEqual([
      'loaded for /a',
      'loaded for /b',
      'loaded for /c',
    ]);
    expect(loads).toBe(1);
  });

  it('sends a failed load to the error handler and loads again on the next request', async () => {
    let loads = 0;
    const url = await serve(
      lazyHandler(async () => {
        if (++loads === 1) throw new Error('module missing');
        return (_req, res) => void res.send('loaded');
      }),
    );
    const failed = await fetch(`${url}/lazy`);
    expect([failed.status, await failed.text()]).toEqual([500, 'failed: module missing']);
    const next = await fetch(`${url}/lazy`);
    expect([next.status, await next.text()]).toEqual([200, 'loaded']);
  });

  it('sends a handler that throws to the error handler', async () => {
    const url = await serve(
      lazyHandler(async () => () => {
        throw new Error('broken page');
      }),
    );
    const res = await fetch(`${url}/lazy`);
    expect([res.status, await res.text()]).toEqual([500, 'failed: broken page']);
  });
});
