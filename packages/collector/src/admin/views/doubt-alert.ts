import type { CallInDoubt, MoneyInDoubt } from '../../usage/in-doubt.js';
import { doubtCounts, doubtSums } from '../../usage/in-doubt-text.js';
import { html, type SafeHtml } from './html.js';

// The newest calls are named one by one; the counts above cover the rest.
const SHOWN = 10;

const NAMES = { start_billing: 'Billing start', usage_report: 'Usage report', usage_end: 'End' };

// A dead call's Write off button: a confirm page first, then never sent.
function writeOffForm(ids: readonly number[], days: number, label: string): SafeHtml {
  const fields = ids.map((id) => html`<input type="hidden" name="ids" value="${id}">`);
  return html`<form method="post" action="/admin/relays/write-off" class="write-off"><input type="hidden" name="days" value="${days}">${fields}<button type="submit" class="small">${label}</button></form>`;
}

// What settles each call, where it is done. Confirm and Resend are on the Usage page.
function remedy(call: CallInDoubt, days: number): SafeHtml {
  const usage = html`<a href="/admin/usage?period=${call.period ?? ''}">Usage page</a>`;
  const writeOff = html`; never to be billed: ${writeOffForm([call.id], days, 'Write off')} or <code>clm-collector write-off ${call.id}</code>`;
  if (call.kind !== 'usage_report')
    return html`fix the cause, then Retry below or <code>clm-collector replay ${call.id}</code>${writeOff}`;
  if (call.state === 'unconfirmed')
    return html`check the buyer's bill, then Confirm (billed) or Resend (not billed) on the ${usage}, or <code>clm-collector usage confirm|resend ${call.id}</code>`;
  if (call.state === 'held')
    return html`bill it by hand, then "Billed by hand" on the ${usage} or <code>clm-collector usage confirm ${call.id}</code>`;
  return html`refused, not billed: fix what the marketplace said, then <code>clm-collector usage resend ${call.id}</code>${writeOff}`;
}

function item(call: CallInDoubt, days: number): SafeHtml {
  const what = [call.period, call.usageCount === null ? null : `count ${call.usageCount}`]
    .filter((part) => part !== null)
    .join(' · ');
  return html`<li data-doubt-id="${call.id}" data-state="${call.state}"><strong>${NAMES[call.kind]} ${call.id}</strong> ${call.state} · <code>${call.provisioningId ?? '-'}</code> <code>${call.sku ?? '-'}</code>${what ? ` · ${what}` : ''}: ${remedy(call, days)}</li>`;
}

// Every dead call listed, written off at once (after the same confirm page), when several.
function writeOffAll(calls: readonly CallInDoubt[], days: number): SafeHtml | '' {
  const dead = calls.filter((call) => call.state === 'dead').map((call) => call.id);
  if (dead.length < 2) return '';
  return html`<p class="write-off-all">Never to be billed, all ${dead.length} dead calls above: ${writeOffForm(dead, days, `Write off these ${dead.length}`)}</p>`;
}

/**
 * The money in doubt, first on the dashboard: billing calls unconfirmed or dead, the usage
 * they carry, and what settles each (a dead one's Write off button among it). Nothing when
 * there is none.
 */
export function renderDoubtAlert(doubt: MoneyInDoubt, days: number): SafeHtml | '' {
  if (doubt.count === 0) return '';
  const sums = doubtSums(doubt);
  const newest = doubt.calls.slice(-SHOWN).reverse();
  const more = doubt.count > newest.length ? html` (the newest ${newest.length} below)` : '';
  return html`<section class="alert money-in-doubt" role="alert" data-money-in-doubt="${doubt.count}">
<h2>Money in doubt: ${doubt.count} billing call${doubt.count === 1 ? '' : 's'}</h2>
<p data-doubt-counts>${doubtCounts(doubt).join(', ')}${more}.${sums.length > 0 ? html` Usage in doubt: <strong data-doubt-sums>${sums.join(', ')}</strong>.` : ''}</p>
<ul>${newest.map((call) => item(call, days))}</ul>
${writeOffAll(newest, days)}
</section>`;
}
