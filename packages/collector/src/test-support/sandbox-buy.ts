import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Response as ExpressResponse } from 'express';
import { createSandboxApp } from '../sandbox/app.js';
import type { SandboxOptions } from '../sandbox/options.js';
import { listen } from './http.js';

interface Received {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A fake provider's provisioning endpoint that answers with `answer`. */
export async function provider(answer: (res: ExpressResponse) => void) {
  const requests: Received[] = [];
  const app = express();
  app.post('/marketplace/provision', express.text({ type: () => true }), (req, res) => {
    requests.push({ method: req.method, headers: req.headers, body: req.body as string });
    answer(res);
  });
  return { url: `${await listen(app)}/marketplace/provision`, requests };
}

/** A provisioning URL on a port nothing listens on. */
export async function closedPortUrl() {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/marketplace/provision`;
}

/** The fields seed 002 says every provisioning body has, in its example's order. */
export const SEED_002_FIELDS = [
  'provisioningId',
  'productSkus',
  'productId',
  'contactEmail',
  'userAlias',
];

/** A Buy form as a buyer fills it. */
export const order: Record<string, string> = {
  productId: '123',
  skus: 'MRKTPLC-A, MRKTPLC-B',
  contactEmail: 'buyer@customer.example',
  userAlias: 'ABCD',
};

/** A sandbox on a random port, with helpers to Buy and read its pages. */
export async function sandbox(options: SandboxOptions = {}) {
  const url = await listen(createSandboxApp(options));
  return {
    url,
    buy: (form: Record<string, string> = order, headers: Record<string, string> = {}) =>
      fetch(`${url}/marketplace/buy`, { method: 'POST', body: new URLSearchParams(form), headers }),
    provisionings: async () => (await fetch(`${url}/_sandbox/provisionings`)).text(),
    page: async (path = '/marketplace') => (await fetch(`${url}${path}`)).text(),
  };
}

/** A fake provider and a sandbox whose Buy sends to it. */
export const withProvider = async (
  answer: (res: ExpressResponse) => void,
  options: SandboxOptions = {},
) => {
  const p = await provider(answer);
  return {
    p,
    s: await sandbox({ ...options, provisioning: { url: p.url, token: 'tok-secret-1' } }),
  };
};
