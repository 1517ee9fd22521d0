import type { MarketplaceApi } from '../outbox/kind.js';
import { relayById } from '../store/admin-reads.js';
import { isKept } from '../store/kept-relays.js';
import type { Relay } from '../store/outbox.js';
import type { AdminStore } from '../store/types.js';
import { summariseDoubt } from '../usage/in-doubt.js';
import { doubtSums } from '../usage/in-doubt-text.js';
import { CALL_COLUMNS, callRow } from './replay-plan.js';
import type { ConfirmView } from './views/confirm-page.js';

/** Whether `store.writeOff` takes this relay: a billing call, dead, and not kept already. */
export const canWriteOff = (relay: Relay): boolean =>
  relay.orderId !== null && relay.status === 'dead' && !isKept(relay);

/**
 * The calls of `ids` a write-off would give up on, and the state its confirm token is
 * bound to: each one's status and last change, which the write-off changes.
 */
export async function planWriteOff(store: AdminStore, ids: readonly number[]) {
  const found = await Promise.all(ids.map((id) => relayById(store, id)));
  const calls = found.filter((relay): relay is Relay => relay !== null && canWriteOff(relay));
  const state = JSON.stringify(calls.map((r) => [r.id, r.status, r.updatedAt]));
  return { calls, state };
}

function never(calls: readonly Relay[]): string {
  const them = calls.length === 1 ? 'it' : 'them';
  const sums = doubtSums(summariseDoubt(calls));
  const usage = sums.length > 0 ? ` Usage never billed: ${sums.join(', ')}.` : '';
  return `the ${calls.length === 1 ? 'call' : `${calls.length} calls`} below ${calls.length === 1 ? 'is' : 'are'} kept dead and never sent, so the marketplace never bills ${them}, and ${them === 'it' ? 'its' : 'their'} money is no longer in doubt.${usage}`;
}

/** The confirm page of Write off: each call, its order, SKU, period and exact count. */
export function writeOffConfirm(
  calls: readonly Relay[],
  form: { token: string; days: number; note?: string | undefined },
  api: MarketplaceApi = 'v2',
): ConfirmView {
  const count = calls.length === 1 ? '1 call' : `${calls.length} calls`;
  return {
    title: `Write off ${count}?`,
    calls: { none: never(calls) },
    columns: CALL_COLUMNS,
    rows: calls.map((call) => callRow(call, api)),
    warning:
      'A write-off cannot be undone: no Retry, replay or resend sends these calls afterwards. Write off only what you settled with the buyer otherwise, or what must never be billed.',
    note: form.note,
    action: '/admin/relays/write-off',
    fields: { days: String(form.days), ids: calls.map((r) => String(r.id)), confirm: form.token },
    button: `Write off ${count}: never send ${calls.length === 1 ? 'it' : 'them'}`,
    cancel: { href: `/admin?days=${form.days}`, label: 'Cancel: change nothing' },
  };
}
