import { describe, expect, it } from 'vitest';
import { manualClock } from '../test-support/clock.js';
import { startOrdersChain } from '../test-support/orders.js';

// One SKU of each model (MANUAL is not listed: manual by default).
const SKU_BILLING = 'NOW=immediate,LATER=delay:3d,NEXT=next-month';
const DAY = 86_400_000;

async function billingChain(productSkus = ['MANUAL', 'NOW', 'LATER', 'NEXT']) {
  const clock = manualClock('2026-07-10T15:00:00Z');
  const chain = await startOrdersChain({ clock, env: { CLM_SKU_BILLING: SKU_BILLING } });
  const id = await chain.order({ productSkus });
  const start = (skus?: string[]) =>
    chain.api('POST', '/api/billing/start', {
      provisioningId: id,
      ...(skus && { productSkus: skus }),
    });
  const view = async () => (await chain.api('GET', `/api/subscriptions/${id}`)).json();
  const startRelays = async () =>
    (await chain.store.listRelays()).filter((relay) => relay.kind === 'start_billing').length;
  return { chain, clock, id, start, view, startRelays };
}

describe('CLM_SKU_BILLING in the provider API', () => {
  it('shows each SKU’s model, when the marketplace starts it, and since when it bills', async () => {
    const { clock, view } = await billingChain();
    const before = await view();
    const ordered = Date.parse(before.createdAt);
    const iso = (ms: number) => new Date(ms).toISOString();
    const pick = ({
      sku,
      billingModel,
      billingStartsAt,
      billingSince,
    }: Record<string, unknown>) => ({
      sku,
      billingModel,
      billingStartsAt,
      billingSince,
    });
    expect(before.skus.map(pick)).toEqual([
      { sku: 'MANUAL', billingModel: 'manual', billingStartsAt: null, billingSince: null },
      {
        sku: 'NOW',
        billingModel: 'immediate',
        billingStartsAt: iso(ordered),
        billingSince: iso(ordered),
      },
      {
        sku: 'LATER',
        billingModel: 'delay:3d',
        billingStartsAt: iso(ordered + 3 * DAY),
        billingSince: null,
      },
      // Midnight on August 1st in Chicago (CDT).
      {
        sku: 'NEXT',
        billingModel: 'next-month',
        billingStartsAt: '2026-08-01T05:00:00.000Z',
        billingSince: null,
      },
    ]);
    // Once its instant has passed, a scheduled SKU is billed: computed, nothing sent.
    clock.set('2026-08-01T05:00:00Z');
    const after = (await view()).skus.map(pick);
    expect(after.map((sku: { billingSince: string | null }) => sku.billingSince)).toEqual([
      null,
      iso(ordered),
      iso(ordered + 3 * DAY),
      '2026-08-01T05:00:00.000Z',
    ]);
  });

  it('starts only the manual SKUs by default, and a scheduled one when named', async () => {
    const { chain, id, start } = await billingChain();
    const manual = await start();
    expect(manual.status).toBe(202);
    expect((await manual.json()).skus).toMatchObject([{ sku: 'MANUAL', result: 'queued' }]);
    // Seed 002: "You may also include SKUs that were set to start billing at a specified time."
    const early = await start(['LATER']);
    expect(early.status).toBe(202);
    expect((await early.json()).skus).toMatchObject([{ sku: 'LATER', result: 'queued' }]);
    expect((await start(['LATER'])).status).toBe(200);
    await chain.settled();
    const calls = await chain.calls('start-billing');
    expect(calls.map((call) => call.productSkus)).toEqual([['MANUAL'], ['LATER']]);
    expect(calls[1]).toEqual({
      providerKey: 'PK-1',
      customerId: '1000',
      provisioningId: id,
      productId: 123,
      productSkus: ['LATER'],
    });
  });

  it('refuses (409, nothing queued) a start of a SKU the marketplace already bills', async () => {
    const { chain, clock, start, startRelays } = await billingChain();
    const refused = async (skus: string[], message: string) => {
      const res = await start(skus);
      expect([res.status, await res.json()]).toEqual([409, { error: message }]);
    };
    await refused(
      ['MANUAL', 'NOW'],
      'SKU "NOW" bills from its order (immediate): there is no billing start to send',
    );
    clock.set('2026-08-01T05:00:00Z');
    await refused(
      ['NEXT'],
      'SKU "NEXT" started billing on its schedule (next-month) at 2026-08-01T05:00:00.000Z: there is no billing start to send',
    );
    expect(await startRelays()).toBe(0);
    await chain.settled();
    expect(await chain.calls('start-billing')).toEqual([]);
  });

  it('answers 409 to a start naming no SKU when none of the order’s is manual', async () => {
    const { start, startRelays } = await billingChain(['NOW', 'LATER']);
    const res = await start();
    expect([res.status, await res.json()]).toEqual([
      409,
      {
        error:
          'no SKU of this order starts billing manually (NOW: immediate, LATER: delay:3d); name a SKU whose start is scheduled in productSkus to start it now',
      },
    ]);
    expect(await startRelays()).toBe(0);
  });

  it('is the marketplace’s too: the sandbox’s books start each SKU by the collector’s model', async () => {
    const { chain, view } = await billingChain();
    const { skus } = await view();
    const models = skus.map(({ sku, billingModel }: Record<string, unknown>) => [
      sku,
      billingModel,
    ]);
    const sandboxOrders = (await (await fetch(`${chain.onramp}/_sandbox/orders`)).json()) as {
      skus: { sku: string; billingStart: string }[];
    }[];
    expect(sandboxOrders[0]?.skus.map((sku) => [sku.sku, sku.billingStart])).toEqual(models);
    // The 1st of next month does not depend on the instant each side took the order at.
    const { lines } = (await (await fetch(`${chain.onramp}/_sandbox/ledger`)).json()) as {
      lines: { productSku: string; billingStartedAt: string | null }[];
    };
    expect(lines.find((line) => line.productSku === 'NEXT')?.billingStartedAt).toBe(
      skus.find((sku: { sku: string }) => sku.sku === 'NEXT')?.billingStartsAt,
    );
    expect(lines.map((line) => line.productSku)).toEqual(['NOW', 'LATER', 'NEXT']);
  });
});
