import { describe, expect, it } from 'vitest';
import type { Relay } from '../store/outbox.js';
import { replayConfirm } from './replay-confirm.js';
import { endpointOf } from './replay-plan.js';
import { writeOffConfirm } from './write-off-plan.js';

// Only what the confirm pages read of a dead call.
const dead = (id: number, kind: string) =>
  ({
    id,
    kind,
    status: 'dead',
    orderId: 'ord-1',
    sku: 'SKU-A',
    period: kind === 'usage_report' ? '2026-06' : null,
    payload: kind === 'usage_report' ? { usageCount: '12.5' } : {},
    lastError: 'marketplace refused the call: HTTP 400',
  }) as unknown as Relay;

describe('the call a dead relay would make again, as the confirm pages name it', () => {
  it('is each kind’s own endpoint on v2, and /update-subscription/ for usage and ends on v1', () => {
    const kinds = ['saas_tracking', 'start_billing', 'usage_report', 'usage_end'];
    expect(kinds.map((kind) => endpointOf(dead(1, kind)))).toEqual([
      '/api/SaasTrackings',
      '/start-billing/',
      '/saas-usage/',
      '/saas-usage/end',
    ]);
    expect(kinds.map((kind) => endpointOf(dead(1, kind), 'v1'))).toEqual([
      '/api/SaasTrackings',
      '/start-billing/',
      '/update-subscription/',
      '/update-subscription/',
    ]);
  });

  it('is what Retry and Write off list under v1', () => {
    const calls = [dead(7, 'usage_report'), dead(8, 'usage_end')];
    const retry = replayConfirm(calls, { token: 't', ids: [7, 8], days: 7 }, 'v1');
    expect(retry.calls).toMatchObject({ count: 2, endpoint: '/update-subscription/' });
    expect(retry.rows.map((row) => row[1])).toEqual([
      '/update-subscription/',
      '/update-subscription/',
    ]);
    const writeOff = writeOffConfirm(calls, { token: 't', days: 7 }, 'v1');
    expect(writeOff.rows.map((row) => row[1])).toEqual([
      '/update-subscription/',
      '/update-subscription/',
    ]);
  });
});
