import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSandboxApp, type LedgerLine } from '@clm/collector';

/** The provider key of the e2e collectors (their single `CLM_PARTNER_KEYS` entry). */
export const SANDBOX_PROVIDER_KEY = 'PK-123';

export interface Tracking {
  partnerKey: string;
  serviceName: string;
  customerId: string;
  purchasedAt: string;
}

/** The endpoints `GET /_sandbox/calls` lists. */
export type MarketplaceEndpoint =
  | 'SaasTrackings'
  | 'start-billing'
  | 'saas-usage'
  | 'saas-usage-end'
  | 'update-subscription';

/** One call a marketplace endpoint of the sandbox accepted. */
export interface MarketplaceCall {
  id: number;
  endpoint: MarketplaceEndpoint;
  receivedAt: string;
  body: Record<string, unknown>;
}

/** One Buy attempt of the sandbox's marketplace page (`GET /_sandbox/provisionings`). */
export interface ProvisioningAttempt {
  provisioningId: string;
  productId: number;
  productSkus: string[];
  outcome: 'complete' | 'refused' | 'failed';
  status: number | null;
  customerId?: string;
  message?: string;
}

/** A provisioning request the marketplace page sent, and what came back, on the wire. */
export interface SentProvisioning {
  /** The request body, byte for byte. */
  body: string;
  authorization: string | undefined;
  /** The answer's status and body; null when none came (the collector was down). */
  status: number | null;
  answer: string | null;
}

/** What the marketplace page sells. */
export interface Product {
  id: number;
  skus: string[];
  name: string;
  /** Each SKU's billing start model (`manual` when not listed), as the collector's. */
  billing?: Record<string, string>;
}

/** The sandbox onramp in this process, on 127.0.0.1 and a random port. */
export interface Sandbox {
  url: string;
  received: () => Promise<Tracking[]>;
  /** Calls the marketplace endpoints accepted, oldest first; one endpoint's or all. */
  calls: (endpoint?: MarketplaceEndpoint) => Promise<MarketplaceCall[]>;
  provisionings: () => Promise<ProvisioningAttempt[]>;
  mode: (mode: Record<string, unknown>) => Promise<void>;
  /**
   * Turns on the marketplace page's Buy button: orders go to `target()` (read at each Buy,
   * so a restarted collector is found) with `token`, through a tap that records each
   * request and answer in `sent`. Call before anything is sent to the sandbox: the sandbox
   * starts over with empty records.
   */
  sell: (options: {
    target: () => string;
    token: string;
    product: Product;
    api?: 'v2' | 'v1';
  }) => Promise<void>;
  /** The provisioning requests Buy sent, when `sell` was called. */
  sent: SentProvisioning[];
  /**
   * How far the marketplace's clock is ahead of this process's: set it to follow a
   * collector on a faked clock, so the ledger's months and blackout are the collector's.
   */
  clockOffsetMs: number;
  /** `GET /_sandbox/ledger`: the marketplace's books, per order, SKU and month. */
  ledger: () => Promise<LedgerLine[]>;
  close: () => Promise<void>;
}

/**
 * Tells the sandbox at `onramp` about an order a test provisioned through the collector
 * directly (`POST /_sandbox/orders`), as its Buy page would have.
 */
export async function registerOrder(
  onramp: string,
  order: { provisioningId: string; customerId: string; productId: number; productSkus: string[] },
): Promise<void> {
  const res = await fetch(`${onramp}/_sandbox/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(order),
  });
  if (!res.ok) throw new Error(`sandbox order: ${res.status} ${await res.text()}`);
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const listen = async (handler: Handler) => {
  const server = createServer(handler).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/**
 * Records what the marketplace sends and passes it on unchanged: the tests compare the
 * bytes the provider received with these.
 */
async function startTap(target: () => string, sent: SentProvisioning[]) {
  return listen((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const entry: SentProvisioning = {
        body,
        authorization: req.headers.authorization,
        status: null,
        answer: null,
      };
      sent.push(entry);
      try {
        const answer = await fetch(target(), {
          method: 'POST',
          headers: {
            authorization: req.headers.authorization ?? '',
            'content-type': req.headers['content-type'] ?? '',
          },
          body,
          redirect: 'manual',
        });
        entry.answer = await answer.text();
        entry.status = answer.status;
        res.writeHead(answer.status, {
          'content-type': answer.headers.get('content-type') ?? 'text/plain',
        });
        res.end(entry.answer);
      } catch {
        res.destroy();
      }
    });
  });
}

export async function startSandbox(): Promise<Sandbox> {
  const clock = { now: () => Date.now() + sandbox.clockOffsetMs };
  const strict = { providerKey: SANDBOX_PROVIDER_KEY, clock };
  // The app can be replaced (see `sell`) while the URL the collector relays to stays.
  let app: Handler = createSandboxApp(strict);
  const server = await listen((req, res) => app(req, res));
  let tap: Awaited<ReturnType<typeof startTap>> | undefined;
  const { url } = server;
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${url}${path}`);
    if (!res.ok) throw new Error(`sandbox ${path}: ${res.status}`);
    return (await res.json()) as T;
  };
  const sandbox: Sandbox = {
    url,
    sent: [],
    clockOffsetMs: 0,
    ledger: async () => (await get<{ lines: LedgerLine[] }>('/_sandbox/ledger')).lines,
    received: async () => {
      const list = await get<{ body: Tracking }[]>('/_sandbox/received');
      return list.map((entry) => entry.body);
    },
    calls: (endpoint) =>
      get(`/_sandbox/calls${endpoint ? `?endpoint=${encodeURIComponent(endpoint)}` : ''}`),
    provisionings: () => get('/_sandbox/provisionings'),
    mode: async (mode) => {
      const res = await fetch(`${url}/_sandbox/mode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(mode),
      });
      if (!res.ok) throw new Error(`sandbox mode: ${res.status}`);
    },
    sell: async ({ target, token, product, api = 'v2' }) => {
      tap ??= await startTap(target, sandbox.sent);
      app = createSandboxApp({
        ...strict,
        api,
        provisioning: { url: `${tap.url}/marketplace/provision`, token },
        product,
      });
    },
    close: async () => {
      await tap?.close();
      await server.close();
    },
  };
  return sandbox;
}
