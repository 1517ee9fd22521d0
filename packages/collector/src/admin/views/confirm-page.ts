import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';

/** What a confirm page shows before a billable action, and the form that does it. */
export interface ConfirmView {
  title: string;
  /**
   * The calls the button sends: how many, and where; or, for an action that sends none
   * (a write-off), what it does instead.
   */
  calls: { count: number; endpoint: string; what: string } | { none: string };
  /** What is sent, one row per call (order, SKU, count...). */
  columns: readonly string[];
  rows: readonly (readonly string[])[];
  /** Why to think twice (an early close cannot be undone; a resend may bill twice). */
  warning: string;
  /** Shown above the rest: why the page is shown again. */
  note?: string | undefined;
  /** The form's target and its hidden fields, the confirm token among them. */
  action: string;
  fields: Readonly<Record<string, string | readonly string[]>>;
  button: string;
  cancel: { href: string; label: string };
}

const hidden = (fields: ConfirmView['fields']): SafeHtml[] =>
  Object.entries(fields).flatMap(([name, value]) =>
    [value].flat().map((one) => html`<input type="hidden" name="${name}" value="${one}">`),
  );

function callsTable(view: ConfirmView): SafeHtml {
  const head = view.columns.map((column) => html`<th>${column}</th>`);
  const rows = view.rows.map(
    (row) =>
      html`<tr>${row.map((cell, i) => html`<td data-label="${view.columns[i] ?? ''}">${cell}</td>`)}</tr>`,
  );
  return html`<div class="table-wrap"><table class="relays confirm-calls">
<thead><tr>${head}</tr></thead>
<tbody>
${rows}
</tbody>
</table></div>`;
}

function summary(calls: ConfirmView['calls']): SafeHtml {
  if ('none' in calls)
    return html`<p class="confirm-summary">This sends <strong>nothing</strong> to the marketplace: ${calls.none}</p>`;
  const { count, endpoint, what } = calls;
  const sent = `${count} ${count === 1 ? 'call' : 'calls'}`;
  return html`<p class="confirm-summary">This sends <strong>${sent}</strong> to the marketplace: <code>POST ${endpoint}</code>, ${what}</p>`;
}

/**
 * The step between a button and a billable call (or a call given up): exactly what goes
 * to the marketplace or what will never go, a confirm form carrying a one-time token, and
 * a Cancel link that changes nothing.
 */
export function renderConfirmPage(view: ConfirmView): string {
  const note = view.note ? html`<p class="alert" role="alert">${view.note}</p>` : '';
  return layout(
    view.title,
    html`<main class="card confirm">
<h1>${view.title}</h1>
${note}
${summary(view.calls)}
${callsTable(view)}
<p class="confirm-warning">${view.warning}</p>
<form method="post" action="${view.action}" class="confirm-form">${hidden(view.fields)}<button type="submit">${view.button}</button> <a href="${view.cancel.href}">${view.cancel.label}</a></form>
</main>`,
  );
}
