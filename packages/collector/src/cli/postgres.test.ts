import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { openPostgresStore } from '../store/postgres.js';
import { captureIo } from '../test-support/admin-db.js';
import {
  createTestDatabase,
  type TestDatabase,
} from '../test-support/store-contract/postgres-database.js';
import { saasTrackingKind } from '../tracking/saas-tracking.js';
import { runCli } from './run.js';
import type { StatusReport } from './status-report.js';

// The operator's commands on a collector whose CLM_DB is a PostgreSQL URL.

let database: TestDatabase;
let withPassword: string;

beforeAll(async () => {
  database = await createTestDatabase();
  // The test cluster trusts local connections: the password is there to be hidden.
  const url = new URL(database.url);
  url.password = 's3cret-pw';
  withPassword = url.toString();
  const store = await openPostgresStore({ url: database.url, logger: silentLogger });
  const tracking = {
    partnerKey: 'PK-1',
    serviceName: 'acme-crm',
    customerId: 'cust-1',
    purchasedAt: '2026-06-01T00:00:00.000Z',
  };
  await store.recordEvent(
    {
      id: 'evt-1',
      type: 'purchase',
      partnerKey: 'PK-1',
      serviceName: 'acme-crm',
      customerId: 'cust-1',
      referral: null,
      clientTime: 0,
      receivedAt: Date.parse(tracking.purchasedAt),
    },
    {
      kind: 'saas_tracking',
      dedupeKey: saasTrackingKind.dedupeKey(tracking),
      partnerKey: 'PK-1',
      serviceName: 'acme-crm',
      customerId: 'cust-1',
      orderId: null,
      sku: null,
      period: null,
      payload: tracking,
      purchasedAt: tracking.purchasedAt,
      createdAt: Date.parse(tracking.purchasedAt),
    },
  );
  await store.close();
});
afterAll(() => database.drop());

describe('the CLI on a PostgreSQL database', () => {
  it('status names the database without its password', async () => {
    const { io, out } = captureIo({ CLM_DB: withPassword });
    expect(await runCli(['status', '--json'], io)).toBe(0);
    const report = JSON.parse(out.stdout) as StatusReport;
    expect(report.relays).toMatchObject({ pending: 1, total: 1 });
    expect(report.database).toBe(
      new URL(database.url).toString().replace('postgres@', 'postgres:***@'),
    );
    expect(out.stdout + out.stderr).not.toContain('s3cret-pw');
  });

  it('track refuses a customer the collector already relays, as with SQLite', async () => {
    const { io, out } = captureIo({ CLM_DB: withPassword, ONRAMP_BASE_URL: 'http://127.0.0.1:9' });
    expect(await runCli(['track', 'PK-1', 'acme-crm', 'cust-1'], io)).not.toBe(0);
    expect(out.stderr).toContain("already holds this customer's purchase as relay #");
    expect(out.stdout + out.stderr).not.toContain('s3cret-pw');
  });
});
