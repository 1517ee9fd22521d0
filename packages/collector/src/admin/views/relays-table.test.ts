import { describe, expect, it } from 'vitest';
import type { Relay } from '../../store/types.js';
import { renderRelaysTable } from './relays-table.js';

const relay = (overrides: Partial<Relay>): Relay => ({
  id: 1,
  kind: 'saas_tracking',
  dedupeKey: 'k',
  partnerKey: 'PK-1',
  serviceName: 'acme-crm',
  customerId: 'cust-1',
  orderId: null,
  sku: null,
  period: null,
  payload: {},
  purchasedAt: '2025-03-01T12:00:00.000Z',
  createdAt: 0,
  source: 'beacon',
  status: 'pending',
  attempts: 0,
  nextAttemptAt: 0,
  leaseUntil: null,
  lastError: null,
  lastBody: null,
  lastStatus: null,
  updatedAt: 0,
  deliveredAt: null,
  replayedAt: null,
  late: false,
  ...overrides,
});

describe('renderRelaysTable', () => {
  it('shows who reported each purchase: a beacon (anyone) or the backend API', () => {
    const text = String(
      renderRelaysTable(
        [
          relay({ id: 1, source: 'beacon' }),
          relay({ id: 2, source: 'api' }),
          relay({ id: 3, kind: 'start_billing', source: 'api', serviceName: null }),
        ],
        7,
      ),
    );
    expect(text).toContain('<th>Purchased at (UTC)</th><th>Source</th><th>Customer ID</th>');
    expect(text.match(/data-source="beacon"[^>]*>Beacon</g)).toHaveLength(1);
    expect(text.match(/data-source="api"[^>]*>API</g)).toHaveLength(1);
    const headers = text.match(/<th[ >]/g)?.length;
    for (const row of text.split('<tr data-relay-id=').slice(1))
      expect(row.match(/<td[ >]/g)?.length, 'a cell under every header').toBe(headers);
  });
});
