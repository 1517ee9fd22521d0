import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNATURE_HEADER, verifyForwardSignature } from '@clm/collector';

/** The secret the collector signs forwarded orders with (`CLM_PROVISION_FORWARD_SECRET`). */
export const FORWARD_SECRET = 'e2e-forward-secret-0123456789';

/** One request the provider's account-creation endpoint received. */
export interface ProviderCall {
  /** The raw body, exactly as it arrived. */
  body: string;
  contentType: string | undefined;
  signature: string | undefined;
  /** Whether `signature` verifies against `body` under {@link FORWARD_SECRET}. */
  signed: boolean;
}

/** How the provider answers one call. */
export interface ProviderReply {
  status: number;
  body: unknown;
  /** Answer only once this settles (a slow provider); the test decides when. */
  until?: Promise<unknown>;
}

/**
 * A provider's account-creation endpoint (`POST /accounts`) on 127.0.0.1 and a random port:
 * records every call and checks its signature. A call without a valid signature gets 401.
 * It answers with `answer`, which a test may replace; by default it creates one account per
 * provisioningId and answers `200 {customerId: <a number>, plan: "trial"}`.
 */
export interface Provider {
  /** The endpoint, for `CLM_PROVISION_FORWARD_URL`. */
  url: string;
  calls: ProviderCall[];
  answer: (call: ProviderCall, order: Record<string, unknown>) => ProviderReply;
  /** The default answer (a real provider is idempotent on provisioningId too). */
  createAccount: (order: Record<string, unknown>) => ProviderReply;
  /**
   * How far the provider's clock is from this process's, in ms (the signature's timestamp
   * is checked against it). A collector on a faked clock needs a provider on the same one.
   */
  clockOffsetMs: number;
  /** Closes the port: the provider is down. Safe to call twice. */
  close: () => Promise<void>;
}

/** The first customer id the provider hands out (a number, as the seed allows). */
export const FIRST_CUSTOMER_ID = 4100;

export async function startProvider(): Promise<Provider> {
  const accounts = new Map<string, number>();
  const createAccount = (order: Record<string, unknown>): ProviderReply => {
    const key = String(order.provisioningId);
    const customerId = accounts.get(key) ?? FIRST_CUSTOMER_ID + accounts.size;
    accounts.set(key, customerId);
    return { status: 200, body: { customerId, plan: 'trial' } };
  };
  const provider: Provider = {
    url: '',
    calls: [],
    answer: (_call, order) => createAccount(order),
    createAccount,
    clockOffsetMs: 0,
    close: async () => {},
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || req.url !== '/accounts') {
      res.writeHead(404).end();
      return;
    }
    const body = Buffer.concat(chunks).toString('utf8');
    const signature = req.headers[SIGNATURE_HEADER.toLowerCase()];
    const header = Array.isArray(signature) ? signature.join(',') : signature;
    const call: ProviderCall = {
      body,
      contentType: req.headers['content-type'],
      signature: header,
      signed: verifyForwardSignature({
        secret: FORWARD_SECRET,
        header,
        body,
        nowSeconds: Math.floor((Date.now() + provider.clockOffsetMs) / 1000),
      }),
    };
    provider.calls.push(call);
    let order: Record<string, unknown> = {};
    try {
      order = JSON.parse(body);
    } catch {}
    const reply: ProviderReply = call.signed
      ? provider.answer(call, order)
      : { status: 401, body: { message: 'bad signature' } };
    await reply.until;
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(reply.body));
  };
  // A request cut off midway (the collector gave up, or the provider was closed) is dropped.
  const server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  provider.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/accounts`;
  let closed: Promise<void> | undefined;
  provider.close = () => {
    closed ??= new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
    return closed;
  };
  return provider;
}

/** A promise and the function that settles it: what a held provider waits for. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}
