import { relayById } from '../store/admin-reads.js';
import { isKept } from '../store/kept-relays.js';
import type { Relay } from '../store/outbox.js';
import type { AdminStore } from '../store/types.js';
import type { ConfirmView } from './views/confirm-page.js';

// A marketplace billing call: a start, a usage report (added to the bill) or an end.
const billable = (relay: Relay) => relay.kind !== 'saas_tracking' && !isKept(relay);

/**
 * The billing calls a Retry would send again (dead `/start-billing/`, `/saas-usage/` and
 * `/saas-usage/end` relays, of `ids` or all), and the state a confirm token is bound to:
 * each one's status and last change, which the replay changes. A Retry all sends exactly
 * these, and the dead purchases.
 */
export async function planReplay(store: AdminStore, ids: readonly number[] | undefined) {
  // All: every billing call in doubt, however many dead purchases are newer.
  const found = ids
    ? await Promise.all(ids.map((id) => relayById(store, id)))
    : await store.listBillingInDoubt();
  const calls = found.filter(
    (relay): relay is Relay => relay !== null && relay.status === 'dead' && billable(relay),
  );
  const state = JSON.stringify(calls.map((r) => [r.id, r.status, r.updatedAt]));
  return { calls, state };
}

const ENDPOINT_NAMES: Readonly<Record<string, string>> = {
  saas_tracking: 'SaasTrackings',
  start_billing: '/start-billing/',
  usage_report: '/saas-usage/',
  usage_end: '/saas-usage/end',
};
const endpointOf = (relay: Relay) => ENDPOINT_NAMES[relay.kind] ?? relay.kind;

const usageCount = (relay: Relay) => {
  const value = (relay.payload as { usageCount?: unknown } | null)?.usageCount;
  return value === undefined ? '' : String(value);
};

/** The confirm page of a Retry that would send billing calls again. */
export function replayConfirm(
  calls: readonly Relay[],
  form: { token: string; ids: readonly number[] | undefined; days: number; note?: string },
): ConfirmView {
  const endpoints = [...new Set(calls.map(endpointOf))].join(', ');
  const reports = calls.filter((r) => r.kind === 'usage_report').length;
  return {
    title: 'Retry billing calls?',
    calls: {
      count: calls.length,
      endpoint: endpoints,
      what: `${reports > 0 ? 'each usage report adds its count to the buyer’s bill; ' : ''}the marketplace refused ${calls.length === 1 ? 'it' : 'them'} before (see each one’s answer).`,
    },
    columns: ['Relay id', 'Call', 'Provisioning ID', 'SKU', 'Period', 'usageCount', 'Last answer'],
    rows: calls.map((r) => [
      String(r.id),
      endpointOf(r),
      r.orderId ?? '',
      r.sku ?? '',
      r.period ?? '',
      usageCount(r),
      r.lastError ?? '',
    ]),
    warning:
      'Retry once the cause of the refusal is fixed. Dead SaasTrackings in the same Retry are sent again too.',
    note: form.note,
    action: '/admin/relays/replay',
    fields: {
      days: String(form.days),
      ...(form.ids && { ids: form.ids.map(String) }),
      confirm: form.token,
    },
    button: `Send ${calls.length === 1 ? '1 call' : `${calls.length} calls`} again`,
    cancel: { href: `/admin?days=${form.days}`, label: 'Cancel: send nothing' },
  };
}
