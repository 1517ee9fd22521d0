import { isHeld } from '../store/kept-relays.js';
import type { AdminStore, Relay } from '../store/types.js';
import { formatMicros, readQuantity } from './decimal.js';

/** The marketplace calls that bill: a start, a usage report, an end. */
export const BILLING_KINDS = ['start_billing', 'usage_report', 'usage_end'] as const;
export type BillingKind = (typeof BILLING_KINDS)[number];

/**
 * Why a call's money is in doubt: `unconfirmed` (it may have been billed), `dead` (refused,
 * or given up: not billed), `held` (a usage report never sent: it is settled by hand).
 */
export type DoubtState = 'unconfirmed' | 'dead' | 'held';
export const DOUBT_STATES: readonly DoubtState[] = ['unconfirmed', 'dead', 'held'];

/** One billing call in doubt, as the dashboard and `status` list it. */
export interface CallInDoubt {
  id: number;
  kind: BillingKind;
  state: DoubtState;
  provisioningId: string | null;
  sku: string | null;
  /** A usage report's period; null for a start or an end. */
  period: string | null;
  /** A usage report's count, the exact decimal; null for a start or an end. */
  usageCount: string | null;
  lastStatus: number | null;
  lastError: string | null;
  updatedAt: number;
}

/** The billing calls in doubt: how many, of which kind, and the usage they carry per SKU. */
export interface MoneyInDoubt {
  count: number;
  byKind: Record<BillingKind, Record<DoubtState, number>>;
  /** Per SKU (quantities of different SKUs do not add up), exact decimals. */
  usage: { sku: string; usageCount: string; reports: number }[];
  /** Oldest first. */
  calls: CallInDoubt[];
}

const countOf = (relay: Relay): string | null => {
  const count = (relay.payload as { usageCount?: unknown } | null)?.usageCount;
  return relay.kind === 'usage_report' && typeof count === 'string' ? count : null;
};

const stateOf = (relay: Relay): DoubtState =>
  relay.status === 'unconfirmed' ? 'unconfirmed' : isHeld(relay) ? 'held' : 'dead';

/** Sums up the calls of `AdminStore.listBillingInDoubt`. */
export function summariseDoubt(relays: readonly Relay[]): MoneyInDoubt {
  const byKind = Object.fromEntries(
    BILLING_KINDS.map((kind) => [kind, { unconfirmed: 0, dead: 0, held: 0 }]),
  ) as MoneyInDoubt['byKind'];
  const perSku = new Map<string, { micros: bigint; reports: number }>();
  const calls = relays.map((relay): CallInDoubt => {
    const kind = relay.kind as BillingKind;
    const state = stateOf(relay);
    byKind[kind][state]++;
    const usageCount = countOf(relay);
    const quantity = usageCount === null ? null : readQuantity(usageCount);
    if (quantity?.ok) {
      const sum = perSku.get(relay.sku ?? '') ?? { micros: 0n, reports: 0 };
      perSku.set(relay.sku ?? '', {
        micros: sum.micros + quantity.micros,
        reports: sum.reports + 1,
      });
    }
    return {
      id: relay.id,
      kind,
      state,
      provisioningId: relay.orderId,
      sku: relay.sku,
      period: relay.period,
      usageCount,
      lastStatus: relay.lastStatus,
      lastError: relay.lastError,
      updatedAt: relay.updatedAt,
    };
  });
  const usage = [...perSku]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([sku, sum]) => ({ sku, usageCount: formatMicros(sum.micros), reports: sum.reports }));
  return { count: calls.length, byKind, usage, calls };
}

/** The billing calls in doubt now. */
export async function loadMoneyInDoubt(
  store: Pick<AdminStore, 'listBillingInDoubt'>,
): Promise<MoneyInDoubt> {
  return summariseDoubt(await store.listBillingInDoubt());
}
