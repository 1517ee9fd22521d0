import { describe, expect, it } from 'vitest';
import { PLAIN_RULES } from '../../store/outbox.js';
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
  rules: PLAIN_RULES,
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

describe('relays kept dead on purpose', () => {
  it('names a superseded start and a held report, with no Retry button for either', () => {
    const text = String(
      renderRelaysTable(
        [
          relay({
            id: 7,
            kind: 'start_billing',
            status: 'dead',
            lastError: 'superseded: the SKU ended before its billing start was delivered',
          }),
          relay({
            id: 8,
            kind: 'usage_report',
            status: 'dead',
            lastError: 'held: too many digits',
          }),
          relay({ id: 9, kind: 'start_billing', status: 'dead', lastError: 'HTTP 400: rejected' }),
        ],
        7,
      ),
    );
    const [superseded, held, failed] = text.split('<tr data-relay-id=').slice(1);
    expect(superseded).toContain('<span class="badge badge-kept">Superseded</span>');
    expect(held).toContain('<span class="badge badge-kept">Held</span>');
    expect(failed).toContain('<span class="badge badge-dead">Dead-lettered</span>');
    expect([superseded, held, failed].map((row) => row?.includes('>Retry</button>'))).toEqual([
      false,
      false,
      true,
    ]);
  });
});

describe('Write off in the relays table', () => {
  it('is offered beside Retry on a dead billing call only; a written-off call says so', () => {
    const text = String(
      renderRelaysTable(
        [
          relay({ id: 10, kind: 'usage_report', orderId: 'ord-1', status: 'dead' }),
          relay({ id: 11, status: 'dead' }),
          relay({
            id: 12,
            kind: 'usage_end',
            orderId: 'ord-1',
            status: 'dead',
            lastError: 'written off by an operator, not billed: HTTP 400',
          }),
        ],
        7,
      ),
    );
    const [billing, purchase, written] = text.split('<tr data-relay-id=').slice(1);
    expect(billing).toContain(
      '<form method="post" action="/admin/relays/write-off"><input type="hidden" name="ids" value="10"><input type="hidden" name="days" value="7"><button type="submit" class="small">Write off</button></form>',
    );
    expect(billing).toContain('>Retry</button>');
    expect(purchase).not.toContain('write-off');
    expect(written).toContain('<span class="badge badge-kept">Written off</span>');
    expect(written).not.toContain('<form');
  });
});
