import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { captureIo, seedDatabase } from '../test-support/admin-db.js';
import { createTestOrder } from '../test-support/seed-orders.js';
import { tempDir } from '../test-support/tmp.js';
import type { OrdersReport } from './orders-report.js';
import { runCli } from './run.js';

const ORDERED = Date.parse('2025-03-01T11:00:00Z');
const SKU_BILLING = 'NOW=immediate,LATER=delay:3d,NEXT=next-month';

/** One order of each model, and the CLI's environment at `now`. */
async function seeded(now: string, env: Record<string, string> = {}) {
  const path = join(tempDir(), 'collector.sqlite');
  const store = await seedDatabase(path, {});
  onTestFinished(() => store.close());
  await createTestOrder(store, 'ord-1', ['MANUAL', 'NOW', 'LATER', 'NEXT'], { at: ORDERED });
  const { io, out } = captureIo({ CLM_DB: path, CLM_SKU_BILLING: SKU_BILLING, ...env });
  io.clock = { now: () => Date.parse(now) };
  return { io, out };
}

describe('clm-collector orders with CLM_SKU_BILLING', () => {
  it('prints each SKU’s model and when it starts or started billing', async () => {
    const { io, out } = await seeded('2025-03-02T00:00:00Z');
    expect(await runCli(['orders'], io)).toBe(0);
    const row = out.stdout.split('\n').find((line) => line.startsWith('  ord-1'));
    expect(row).toMatch(
      / {2}MANUAL not started, NOW billing since 2025-03-01 05:00 CST \(immediate\), LATER billing starts 2025-03-04 05:00 CST \(delay:3d\), NEXT billing starts 2025-04-01 00:00 CDT \(next-month\)$/,
    );
  });

  it('shows a scheduled SKU as billed once its start has come, in --json too', async () => {
    const { io, out } = await seeded('2025-03-05T00:00:00Z');
    expect(await runCli(['orders', '--json'], io)).toBe(0);
    const [order] = (JSON.parse(out.stdout) as OrdersReport).orders;
    expect(
      order?.skus.map(({ sku, billingModel, billingStartsAt, billingSince }) => ({
        sku,
        billingModel,
        billingStartsAt,
        billingSince,
      })),
    ).toEqual([
      { sku: 'MANUAL', billingModel: 'manual', billingStartsAt: null, billingSince: null },
      {
        sku: 'NOW',
        billingModel: 'immediate',
        billingStartsAt: '2025-03-01T11:00:00.000Z',
        billingSince: '2025-03-01T11:00:00.000Z',
      },
      {
        sku: 'LATER',
        billingModel: 'delay:3d',
        billingStartsAt: '2025-03-04T11:00:00.000Z',
        billingSince: '2025-03-04T11:00:00.000Z',
      },
      {
        sku: 'NEXT',
        billingModel: 'next-month',
        billingStartsAt: '2025-04-01T05:00:00.000Z',
        billingSince: null,
      },
    ]);
  });

  it('exits 2 naming the entry when CLM_SKU_BILLING is malformed', async () => {
    const { io, out } = await seeded('2025-03-02T00:00:00Z', { CLM_SKU_BILLING: 'NOW=soon' });
    expect(await runCli(['orders'], io)).toBe(2);
    expect(out.stderr).toContain('CLM_SKU_BILLING "NOW=soon": the model of NOW must be');
    expect(out.stdout).toBe('');
  });
});
