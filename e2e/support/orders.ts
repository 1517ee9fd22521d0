import { randomUUID } from 'node:crypto';
import { billingOfSetting } from '@clm/collector';
import type { Page } from '@playwright/test';
import type { CollectorProcess } from './collector.js';
import { startCollector } from './collector.js';
import { test as base, expect, PROVIDER_KEY } from './fixtures.js';
import { FORWARD_SECRET, type Provider, startProvider } from './provider.js';
import { type Product, registerOrder } from './sandbox.js';

/** The collector's tokens in the order specs: all different, as the collector requires. */
export const TOKENS = {
  admin: 'e2e-admin-token-0123456789',
  api: 'e2e-provider-api-token-0123',
  provision: 'e2e-marketplace-provision-token',
};

/** What the sandbox's marketplace page sells: one SKU, so one call per order and endpoint. */
export const PRODUCT: Product = { id: 4242, skus: ['MRKTPLC-E2E-CRM-SEATS'], name: 'E2E CRM' };

/** What the marketplace's page shows a buyer when the provider fails (seed 002: 50x). */
export const BUYER_GENERIC_FAILURE =
  'The provider could not complete your order. Please try again later.';

interface OrderFixtures {
  provider: Provider;
}

/**
 * The order chain on loopback: the sandbox marketplace (its Buy button on), a real collector
 * process with provisioning and the provider API on, and the provider's account-creation
 * endpoint it forwards orders to. `collectorEnv` adds to (or overrides) the collector's
 * environment; `collectorFakeTime` starts its clock (and the provider's) at an instant.
 */
export const test = base.extend<OrderFixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture names from this pattern.
  provider: async ({}, use) => {
    const provider = await startProvider();
    await use(provider);
    await provider.close();
  },
  collector: async ({ sandbox, collectorEnv, collectorFakeTime, provider }, use) => {
    // The provider's server keeps the collector's time: the forward's signature is dated.
    // And the marketplace's: its ledger's months are the collector's.
    if (collectorFakeTime !== undefined) {
      provider.clockOffsetMs = Date.parse(collectorFakeTime) - Date.now();
      sandbox.clockOffsetMs = provider.clockOffsetMs;
    }
    const collector = await startCollector({
      onrampBaseUrl: sandbox.url,
      ...(collectorFakeTime !== undefined && { fakeTime: collectorFakeTime }),
      env: {
        CLM_ADMIN_TOKEN: TOKENS.admin,
        CLM_API_TOKEN: TOKENS.api,
        CLM_PROVISION_TOKEN: TOKENS.provision,
        CLM_PROVISION_FORWARD_URL: provider.url,
        CLM_PROVISION_FORWARD_SECRET: FORWARD_SECRET,
        ...collectorEnv,
      },
    });
    await sandbox.sell({
      target: () => `${collector.url}/marketplace/provision`,
      token: TOKENS.provision,
      // The marketplace starts each SKU when the collector's CLM_SKU_BILLING says it does.
      product: { ...PRODUCT, billing: billingOfSetting(collectorEnv.CLM_SKU_BILLING) },
      // The marketplace speaks the API the collector is on.
      api: collectorEnv.CLM_MARKETPLACE_API === 'v1' ? 'v1' : 'v2',
    });
    await use(collector);
    await collector.stop();
  },
});

export { expect, PROVIDER_KEY };

/** A provisioning body as the marketplace sends it (seed 002's fields, in its order). */
export const orderBody = (fields: Record<string, unknown> = {}): string =>
  JSON.stringify({
    provisioningId: randomUUID(),
    productSkus: PRODUCT.skus,
    productId: PRODUCT.id,
    contactEmail: 'buyer@example.com',
    userAlias: 'ABCD',
    ...fields,
  });

/** An HTTP answer: status and parsed JSON body (null when not JSON). */
export interface Answer {
  status: number;
  body: Record<string, unknown> | null;
}

const answerOf = async (res: Response): Promise<Answer> => {
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: null };
  }
};

/** `POST /marketplace/provision` as the marketplace sends it: this body, the bearer token. */
export async function provision(collector: CollectorProcess, body: string): Promise<Answer> {
  const res = await fetch(`${collector.url}/marketplace/provision`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKENS.provision}`, 'content-type': 'application/json' },
    body,
  });
  const answer = await answerOf(res);
  // A provisioned order is one the marketplace knows: the sandbox is told, as its Buy would be.
  if (answer.status === 200 && typeof answer.body?.customerId === 'string') {
    const { provisioningId, productId, productSkus } = JSON.parse(body);
    const customerId = answer.body.customerId;
    await registerOrder(collector.onramp, { provisioningId, customerId, productId, productSkus });
  }
  return answer;
}

/** A provider API call (`CLM_API_TOKEN`), from the provider's backend. */
export async function providerApi(
  collector: CollectorProcess,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<Answer> {
  const res = await fetch(`${collector.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${TOKENS.api}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return answerOf(res);
}

/** `GET /api/subscriptions/:provisioningId`. */
export const subscription = (collector: CollectorProcess, provisioningId: string) =>
  providerApi(collector, 'GET', `/api/subscriptions/${encodeURIComponent(provisioningId)}`);

/**
 * A metric of the collector's `/metrics` (admin token): a counter with its labels
 * (`clm_provisioning_total`, `outcome="created"`) or a gauge without (`clm_relays_pending`).
 */
export async function metric(
  collector: CollectorProcess,
  name: string,
  labels = '',
): Promise<number> {
  const res = await fetch(`${collector.url}/metrics`, {
    headers: { authorization: `Bearer ${TOKENS.admin}` },
  });
  const text = await res.text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels && `{${labels}}`} `));
  return line === undefined ? Number.NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** Signs in to the collector's dashboard through its form. */
export async function signIn(page: Page, collector: CollectorProcess): Promise<void> {
  await page.goto(`${collector.url}/admin`);
  await page.getByLabel('Admin token').fill(TOKENS.admin);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Marketplace funnel' })).toBeVisible();
}
