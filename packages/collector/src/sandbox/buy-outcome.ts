import { registerOrder } from './books.js';
import type { ProvisioningOutcome, ProvisioningRequest } from './provision-client.js';
import type { SandboxState } from './state.js';

/** A Buy and its outcome, shown by the result page its POST redirects to. */
export interface BuyResult {
  request: ProvisioningRequest;
  result: ProvisioningOutcome;
}

// The results a sandbox keeps for its result pages: the newest, a bounded number.
const RESULTS_KEPT = 1000;

/** Keeps a Buy result for its result page, dropping the oldest past the bound. */
export function keep(results: Map<string, BuyResult>, id: string, entry: BuyResult): void {
  results.set(id, entry);
  for (const oldest of results.keys()) {
    if (results.size <= RESULTS_KEPT) break;
    results.delete(oldest);
  }
}

/**
 * The marketplace's record of a completed order: what later provider calls must match.
 * Under v1 the account is known by the provider's coid alone, so a coid the books already
 * hold for another order cannot be entered: the order fails, and the buyer is not told it
 * completed when every later call about it would be refused.
 */
export function remember(
  state: SandboxState,
  request: ProvisioningRequest,
  result: ProvisioningOutcome,
  at: number,
): ProvisioningOutcome {
  if (result.outcome !== 'complete') return result;
  const { customerId, status } = result;
  const v1 = state.books.api === 'v1';
  const provisioningId = v1 ? customerId : request.provisioningId;
  const { productId, productSkus } = request;
  const order = { provisioningId, customerId, productId, productSkus, orderedAt: at };
  if (registerOrder(state.books, order) !== 'conflict') return result;
  const reason =
    `the provider answered ${v1 ? 'coid' : 'customerId'} ${customerId}, an account the ` +
    'marketplace already has for another order (product or SKUs): this order is not in its books';
  return { outcome: 'failed', status, reason };
}

/** The provisioning call the sandbox made, as the Buy page lists its attempts. */
export function recordAttempt(
  state: SandboxState,
  request: ProvisioningRequest,
  result: ProvisioningOutcome,
  at: number,
) {
  state.provisionings.push({
    ...request,
    at: new Date(at).toISOString(),
    outcome: result.outcome,
    status: result.status,
    ...(result.outcome === 'complete'
      ? { customerId: result.customerId }
      : { message: result.outcome === 'refused' ? result.message : result.reason }),
  });
}
