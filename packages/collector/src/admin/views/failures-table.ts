import type { FailureView } from '../orders-data.js';
import { providerMessage } from '../provider-message.js';
import { cut, utcTime } from './format.js';
import { html, type SafeHtml } from './html.js';

// Line breaks of the provider's answer are kept (pre-wrap); other control and format
// characters (bidi overrides, NULs) could disguise what it says.
const visible = (text: string) => text.replace(/(?!\n)[\p{Cc}\p{Cf}]/gu, ' ');

function status(failure: FailureView): SafeHtml {
  if (failure.status === null) return html`<span class="muted">no answer</span>`;
  return html`<code>HTTP ${failure.status}</code>`;
}

/**
 * Provisioning requests the provider did not accept. Its answer's message is shown as
 * literal text: it comes from whoever runs the provider's endpoint, never trusted as markup.
 */
export function renderFailuresTable(failures: readonly FailureView[]): SafeHtml {
  if (failures.length === 0)
    return html`<p class="empty">No failed provisioning attempts. When the provider refuses an order or cannot be reached, the attempt is listed here.</p>`;
  const rows = failures.map(
    (failure) => html`<tr data-failure-id="${failure.id}" data-outcome="${failure.outcome}">
<td data-label="Time (UTC)">${utcTime(failure.at)}</td>
<td class="id" data-label="Provisioning ID"><code>${failure.provisioningId}</code></td>
<td class="num" data-label="Product">${failure.productId}</td>
<td class="id" data-label="SKUs">${failure.productSkus.join(', ')}</td>
<td data-label="Outcome"><span class="badge badge-${failure.outcome}">${failure.outcome}</span></td>
<td class="nowrap" data-label="Provider status">${status(failure)}</td>
<td data-label="Provider's answer"><span class="answer">${cut(visible(providerMessage(failure.message)), 300)}</span></td>
</tr>`,
  );
  return html`<div class="table-wrap"><table class="relays failures">
<thead><tr><th>Time (UTC)</th><th>Provisioning ID</th><th class="num">Product</th><th>SKUs</th><th>Outcome</th><th>Provider status</th><th>Provider's answer</th></tr></thead>
<tbody>
${rows}
</tbody>
</table></div>`;
}
