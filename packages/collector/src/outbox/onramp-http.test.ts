import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { listen } from '../test-support/http.js';
import { httpPost } from './onramp-http.js';

describe('httpPost', () => {
  it('reuses one connection for calls one after the other', async () => {
    const sockets = new Set<unknown>();
    const app = express();
    app.post('/api/SaasTrackings', (req, res) => {
      sockets.add(req.socket);
      res.status(201).json({ ok: true });
    });
    const post = httpPost(1000);
    const url = `${await listen(app)}/api/SaasTrackings`;
    for (let i = 0; i < 3; i++) expect(await post(url, '{}')).toMatchObject({ status: 201 });
    expect(sockets.size).toBe(1);
  });

  it('words a refused connection as fetch did, and knows it was not sent', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    expect(await httpPost(1000)(`http://127.0.0.1:${port}/x`, '{}')).toEqual({
      type: 'network-error',
      ok: false,
      error: `fetch failed: connect ECONNREFUSED 127.0.0.1:${port}`,
      timedOut: false,
      notSent: true,
    });
  });

  it('times out on an answer that stops halfway', async () => {
    const app = express();
    app.post('/x', (_req, res) => {
      res.status(200).type('text/plain').write('half');
    });
    expect(await httpPost(100)(`${await listen(app)}/x`, '{}')).toEqual({
      type: 'network-error',
      ok: false,
      error: 'timed out after 100 ms',
      timedOut: true,
      notSent: false,
    });
  });

  it('gives up when aborted (shutdown), without throwing', async () => {
    const app = express();
    app.post('/x', () => {});
    const controller = new AbortController();
    const call = httpPost(5000)(`${await listen(app)}/x`, '{}', controller.signal);
    setTimeout(() => controller.abort(), 20);
    expect(await call).toMatchObject({ type: 'network-error', timedOut: false, notSent: false });
  });

  it('reports an answer cut off by the server as a network error', async () => {
    const app = express();
    app.post('/x', (req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setTimeout(() => req.socket.destroy(), 10);
    });
    expect(await httpPost(1000)(`${await listen(app)}/x`, '{}')).toMatchObject({
      type: 'network-error',
      timedOut: false,
      notSent: false,
    });
  });
});
