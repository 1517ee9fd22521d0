import { describe, expect, it } from 'vitest';
import { callState } from '../orders/subscription-view.js';
import { billingLabel, endCallLabel } from './order-labels.js';

const dead = (lastError: string) =>
  callState({ id: 3, status: 'dead', lastError, deliveredAt: null });

describe('billingLabel', () => {
  it('says a superseded start never started and is nothing to retry', () => {
    const superseded = dead('superseded: the SKU ended before its billing start was delivered');
    expect(superseded.state).toBe('superseded');
    expect(billingLabel(superseded)).toBe(
      'never started: the SKU ended first (superseded; nothing to retry)',
    );
  });

  it('says a written-off start or end is not billed, not that it failed and can be retried', () => {
    const writtenOff = dead('written off by an operator, not billed: HTTP 400: unknown SKU');
    expect(writtenOff.state).toBe('written-off');
    expect(billingLabel(writtenOff)).toBe('not billed: written off by an operator');
    expect(endCallLabel(writtenOff)).toBe('end written off by an operator, never sent');
  });

  it('still calls a start the marketplace refused a failure', () => {
    expect(billingLabel(dead('HTTP 400: rejected by the onramp'))).toBe(
      'failed: HTTP 400: rejected by the onramp',
    );
  });
});
