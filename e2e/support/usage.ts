import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { test as base, expect } from '@playwright/test';
import { type CollectorProcess, startCollector } from './collector.js';
import { type Answer, providerApi, subscription, TOKENS } from './orders.js';
import { FORWARD_SECRET, type Provider, startProvider } from './provider.js';
import { registerOrder, type Sandbox, startSandbox } from './sandbox.js';
import { startWire, type Wire } from './wire.js';

// Usage billing from Node, no browser: the marketplace's calls and the provider's backend
// are fetch calls against real collector processes, most of them on a faked wall clock.

/** A product with two usage SKUs: one report per order and SKU. */
export const USAGE_PRODUCT = {
  id: 4343,
  skus: ['MRKTPLC-E2E-SEATS', 'MRKTPLC-E2E-STORAGE-GB'] as const,
};
export const [SEATS, STORAGE] = USAGE_PRODUCT.skus;

/** How a test starts a collector: at a faked instant, with more environment. */
export interface LaunchOptions {
  fakeTime?: string;
  env?: Record<string, string>;
}

export interface UsageFixtures {
  /**
   * The collectors' `CLM_DB` when set (a PostgreSQL URL several may share); by default each
   * collector has a SQLite file of its own.
   */
  collectorDb: string | undefined;
  sandbox: Sandbox;
  provider: Provider;
  /** In front of the sandbox's `/saas-usage/`: every report that reached the marketplace. */
  wire: Wire;
  /** Starts a collector (provisioning and the provider API on, usage through the wire). */
  launch: (options?: LaunchOptions) => Promise<CollectorProcess>;
}

export const test = base.extend<UsageFixtures>({
  collectorDb: [undefined, { option: true }],
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture names from this pattern.
  sandbox: async ({}, use) => {
    const sandbox = await startSandbox();
    await use(sandbox);
    await sandbox.close();
  },
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture names from this pattern.
  provider: async ({}, use) => {
    const provider = await startProvider();
    await use(provider);
    await provider.close();
  },
  wire: async ({ sandbox }, use) => {
    const wire = await startWire(sandbox.url);
    await use(wire);
    await wire.close();
  },
  launch: async ({ collectorDb, sandbox, provider, wire }, use, testInfo) => {
    const started: CollectorProcess[] = [];
    // The provider's server keeps the same time as the collector's (the forward's
    // signature carries a timestamp): it follows the faked clock of the latest start.
    // So does the marketplace: its ledger's months and blackout are the collector's.
    const follow = (fakeTime: string | undefined) => {
      provider.clockOffsetMs = fakeTime === undefined ? 0 : Date.parse(fakeTime) - Date.now();
      sandbox.clockOffsetMs = provider.clockOffsetMs;
    };
    await use(async (options = {}) => {
      follow(options.fakeTime);
      const collector = await startCollector({
        onrampBaseUrl: sandbox.url,
        ...(collectorDb !== undefined && { db: collectorDb }),
        ...(options.fakeTime !== undefined && { fakeTime: options.fakeTime }),
        env: {
          CLM_ADMIN_TOKEN: TOKENS.admin,
          CLM_API_TOKEN: TOKENS.api,
          CLM_PROVISION_TOKEN: TOKENS.provision,
          CLM_PROVISION_FORWARD_URL: provider.url,
          CLM_PROVISION_FORWARD_SECRET: FORWARD_SECRET,
          CLM_USAGE_URL: `${wire.url}/saas-usage/`,
          CLM_RELAY_POLL_MS: '100',
          ...options.env,
        },
      });
      started.push(collector);
      const restart = collector.restart;
      collector.restart = (again) => {
        if (again?.fakeTime !== undefined) follow(again.fakeTime);
        return restart(again);
      };
      return collector;
    });
    for (const [i, collector] of started.entries()) {
      // Written to a file: the list reporter prints only the first 300 characters of a body.
      if (testInfo.status !== testInfo.expectedStatus) {
        const path = testInfo.outputPath(`collector-${i + 1}.log`);
        writeFileSync(path, collector.output());
        await testInfo.attach(`collector-${i + 1}.log`, { path, contentType: 'text/plain' });
      }
      await collector.stop();
    }
  },
});

export { expect };

/** An order the marketplace provisioned through the collector's API; `skus` are its SKUs. */
export async function buyOrder(
  collector: CollectorProcess,
  skus: readonly string[] = USAGE_PRODUCT.skus,
): Promise<{ provisioningId: string; customerId: string }> {
  const provisioningId = randomUUID();
  const order = { provisioningId, productSkus: [...skus], productId: USAGE_PRODUCT.id };
  const res = await fetch(`${collector.url}/marketplace/provision`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKENS.provision}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...order, contactEmail: 'buyer@example.com', userAlias: '' }),
  });
  const body = (await res.json()) as { customerId?: string };
  expect(res.status, JSON.stringify(body)).toBe(200);
  const customerId = String(body.customerId);
  // The marketplace provisioned it: its later calls about the order are ones it knows.
  await registerOrder(collector.onramp, { ...order, customerId });
  return { provisioningId, customerId };
}

/** One usage event as the provider's backend posts it. */
export interface UsageEvent {
  eventId?: string;
  provisioningId: string;
  productSku: string;
  quantity: number;
  occurredAt?: string;
}

/** `POST /api/usage` with one event or many (an `eventId` is made up when missing). */
export async function postUsage(
  collector: CollectorProcess,
  events: UsageEvent | UsageEvent[],
): Promise<Answer> {
  const withIds = (event: UsageEvent) => ({ eventId: randomUUID(), ...event });
  return providerApi(
    collector,
    'POST',
    '/api/usage',
    Array.isArray(events) ? events.map(withIds) : withIds(events),
  );
}

/** The period each event of a `POST /api/usage` answer counts in. */
export const periodsOf = (answer: Answer): string[] =>
  ((answer.body?.events ?? []) as { period?: string }[]).map((event) => event.period ?? '');

/** One line of `GET /api/subscriptions/:id`'s `usage`. */
export interface UsageLineView {
  period: string;
  sku: string;
  quantity: string;
  events: number;
  report: {
    state: string;
    status?: string;
    late?: boolean;
    deliveredAt?: string;
    error?: string;
  };
}

/** The usage lines of an order, as the provider API shows them. */
export async function usageOf(
  collector: CollectorProcess,
  provisioningId: string,
): Promise<UsageLineView[]> {
  const { status, body } = await subscription(collector, provisioningId);
  expect(status).toBe(200);
  return (body?.usage ?? []) as UsageLineView[];
}

/** A report's identity on the wire: its order and SKU (the period is not in the body). */
export const reportKey = (body: { provisioningId?: unknown; productSku?: unknown }) =>
  `${String(body.provisioningId)} ${String(body.productSku)}`;

/** How many times each key occurs. */
export function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/** The reports that reached the wire, parsed, with their raw bytes. */
export const wireReports = (wire: Wire) =>
  wire.calls
    .filter((call) => call.path.startsWith('/saas-usage/'))
    .map((call) => ({ raw: call.body, body: JSON.parse(call.body) as Record<string, unknown> }));

/** `GET /_sandbox/stats`. */
export async function sandboxStats(sandbox: Sandbox) {
  const res = await fetch(`${sandbox.url}/_sandbox/stats`);
  return (await res.json()) as {
    accepted: number;
    rejected: number;
    failed: number;
    stalled: number;
  };
}
