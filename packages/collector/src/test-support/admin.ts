import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { FLASH_COOKIE } from '../admin/flash/flash.js';
import { createApp } from '../app.js';
import type { TrustProxy } from '../config.js';
import { type Logger, silentLogger } from '../log.js';
import type { BillingModel } from '../orders/billing-models.js';
import { endpointsUnder, type MarketplaceApi } from '../outbox/kind.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/types.js';
import { purchaseFixture } from './fixtures.js';
import { listen } from './http.js';
import { tempDir } from './tmp.js';

/** The admin token of {@link startAdmin} unless another is given. */
export const ADMIN_TOKEN = 'admin-token-0123456789';
/** Where the admin app's marketplace calls would go, as its confirm pages name them. */
export const MARKETPLACE_URL = 'https://marketplace.example';
/** The test clock's start: 2025-03-01 12:00 UTC. */
export const ADMIN_NOW = Date.parse('2025-03-01T12:00:00Z');

/**
 * The whole collector app over a temporary SQLite file with the admin pages enabled, a
 * settable clock, and a relay stub counting `notify()` calls.
 */
export async function startAdmin(
  options: {
    token?: string | null;
    trustProxy?: TrustProxy;
    marketplaceApi?: MarketplaceApi;
    skuBilling?: ReadonlyMap<string, BillingModel>;
    logger?: Logger;
  } = {},
) {
  const store = await openSqliteStore({
    path: join(tempDir(), 'admin.sqlite'),
    logger: silentLogger,
  });
  onTestFinished(() => store.close());
  const clock = { time: ADMIN_NOW, now: () => clock.time };
  const relay = { notified: 0, notify: () => void relay.notified++ };
  const token = options.token === undefined ? ADMIN_TOKEN : options.token;
  const app = createApp({
    store,
    clock,
    logger: options.logger ?? silentLogger,
    config: {
      partnerKeys: ['PK-1'],
      allowedOrigins: [],
      adminToken: token,
      trustProxy: options.trustProxy ?? false,
      ...(options.marketplaceApi && { marketplaceApi: options.marketplaceApi }),
      marketplaceEndpoints: endpointsUnder(MARKETPLACE_URL),
      ...(options.skuBilling && { skuBilling: options.skuBilling }),
    },
    relay,
    pixelScript: null,
  });
  const url = await listen(app);

  /** A form POST from a page of the collector (or of `origin`), not following redirects. */
  const postForm = (path: string, fields: Record<string, string | string[]>, headers = {}) => {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(fields))
      for (const one of [value].flat()) body.append(name, one);
    return fetch(`${url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: url, 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    });
  };
  /** Signs in through the form; resolves with the `Cookie` header to send. */
  const signIn = async (value = token ?? '') => {
    const res = await postForm('/admin/login', { token: value });
    if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
    const [cookie] = res.headers.getSetCookie();
    return (cookie ?? '').split(';')[0] ?? '';
  };
  /**
   * Posts a form whose action asks for confirmation, then presses the confirm page's
   * button: resolves with both answers (the confirm page's text, the final response).
   */
  const postConfirmed = async (
    path: string,
    fields: Record<string, string | string[]>,
    headers = {},
  ) => {
    const first = await postForm(path, fields, headers);
    const page = await first.text();
    const form = confirmFields(page);
    if (first.status !== 200 || form === null)
      throw new Error(`no confirm page: ${first.status} ${page.slice(0, 300)}`);
    return { page, form, res: await postForm(form.action, form.fields, headers) };
  };
  /**
   * The page an action's 303 leads to, loaded as a browser would: with the session `cookie`
   * and the one-time notice cookie the action's answer set, if any.
   */
  const follow = async (res: Response, cookie: string) => {
    const next = await fetch(`${url}${res.headers.get('location') ?? ''}`, {
      headers: { cookie: withFlash(res, cookie) },
    });
    return { status: next.status, text: await next.text() };
  };
  return { url, store, clock, relay, postForm, postConfirmed, signIn, follow };
}

/** `cookie` and the one-time notice (admin/flash) that `res` set, as a `Cookie` header. */
export function withFlash(res: Response, cookie: string): string {
  const flash = res.headers
    .getSetCookie()
    .find((set) => set.startsWith(`${FLASH_COOKIE}=`))
    ?.split(';')[0];
  return flash ? `${cookie}; ${flash}` : cookie;
}

const decodeEntities = (text: string) =>
  text.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) =>
    name === 'amp' ? '&' : name === 'lt' ? '<' : name === 'gt' ? '>' : name === 'quot' ? '"' : "'",
  );

/** The confirm form of a confirm page: its action and hidden fields; null when absent. */
export function confirmFields(page: string) {
  const form = /<form method="post" action="([^"]+)" class="confirm-form">([\s\S]*?)<\/form>/.exec(
    page,
  );
  if (!form) return null;
  const fields: Record<string, string[]> = {};
  for (const [, name = '', value = ''] of (form[2] ?? '').matchAll(
    /<input type="hidden" name="([^"]+)" value="([^"]*)">/g,
  )) {
    fields[name] = [...(fields[name] ?? []), decodeEntities(value)];
  }
  return { action: decodeEntities(form[1] ?? ''), fields };
}

let seq = 0;

/** Stores a marketplace visit received at `at`. */
export async function seedVisit(store: Store, at: number): Promise<void> {
  await store.recordEvent({
    id: `evt_visit_${String(++seq).padStart(6, '0')}`,
    type: 'visit',
    partnerKey: 'PK-1',
    serviceName: 'acme-crm',
    customerId: null,
    referral: { id: 'r-1', at },
    clientTime: at,
    receivedAt: at,
  });
}

/** A purchase to seed, and what became of its relay. */
export interface SeedPurchase {
  customerId: string;
  at: number;
  outcome: 'pending' | 'delivered' | 'dead';
}

/** Stores purchases and brings each relay to its outcome, as the relay worker would. */
export async function seedPurchases(store: Store, purchases: readonly SeedPurchase[]) {
  // Pending ones last: claiming a finished one must not pick them up too.
  const ordered = [...purchases].sort(
    (a, b) => Number(a.outcome === 'pending') - Number(b.outcome === 'pending'),
  );
  for (const { customerId, at, outcome } of ordered) {
    const { event, relay } = purchaseFixture({ customerId, receivedAt: at, clientTime: at });
    await store.recordEvent(event, relay);
    if (outcome === 'pending') continue;
    const [claimed] = await store.claimDueRelays({ now: at, limit: 10, leaseMs: 1000 });
    if (!claimed) throw new Error(`relay of ${customerId} was not due`);
    if (outcome === 'delivered')
      await store.markDelivered(claimed.id, { at, status: 201, body: '{}', error: null });
    else
      await store.markDead(claimed.id, {
        at,
        status: 400,
        body: '{"error":"unknown partnerKey"}',
        error: 'onramp refused the relay: HTTP 400',
      });
  }
}
