import express from 'express';
import { listen } from './http.js';

/**
 * A loopback stand-in for the onramp's `POST /api/SaasTrackings` that gives every call
 * `status` and `body`; `received` holds the bodies sent, as text. Tests fault the network,
 * not the client: the collector's one onramp client calls it as it calls the marketplace.
 */
export async function onrampStub(answer: { status: number; body: string }) {
  const received: string[] = [];
  const app = express();
  app.post('/api/SaasTrackings', express.text({ type: () => true }), (req, res) => {
    received.push(req.body as string);
    res.status(answer.status).type('application/json').send(answer.body);
  });
  return { url: await listen(app), received };
}

/** A loopback address nothing listens on (a port just freed): connections are refused. */
export async function refusingUrl(): Promise<string> {
  const { createServer } = await import('node:http');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
