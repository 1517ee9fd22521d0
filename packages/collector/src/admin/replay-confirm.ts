import type { MarketplaceApi } from '../outbox/kind.js';
import type { Relay } from '../store/outbox.js';
import { CALL_COLUMNS, callRow, endpointOf } from './replay-plan.js';
import type { ConfirmView } from './views/confirm-page.js';

/** The confirm page of a Retry that would send billing calls again. */
export function replayConfirm(
  calls: readonly Relay[],
  form: { token: string; ids: readonly number[] | undefined; days: number; note?: string },
  api: MarketplaceApi = 'v2',
): ConfirmView {
  const endpoints = [...new Set(calls.map((call) => endpointOf(call, api)))].join(', ');
  const reports = calls.filter((r) => r.kind === 'usage_report').length;
  return {
    title: 'Retry billing calls?',
    calls: {
      count: calls.length,
      endpoint: endpoints,
      what: `${reports > 0 ? 'each usage report adds its count to the buyer’s bill; ' : ''}the marketplace refused ${calls.length === 1 ? 'it' : 'them'} before (see each one’s answer).`,
    },
    columns: CALL_COLUMNS,
    rows: calls.map((call) => callRow(call, api)),
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
