import { Router } from 'express';
import { escapeHtml, raw } from '../admin/views/html.js';
import type { BookOrder, Books } from './books.js';
import { formatDecimal } from './exact-sum.js';
import { counted, htmlPage, htmlTable, pageHeaders, timeHtml } from './html.js';
import { skuLines } from './ledger.js';
import { describeBillingStart } from './product.js';
import type { SandboxState } from './state.js';

const when = (ms: number | null, none: string) => (ms === null ? none : raw(timeHtml(ms)));

// Each SKU: its model, when its billing starts (or started) and ends.
function skuTable(order: BookOrder, now: number): string {
  const rows = order.skus.map((book) => [
    book.sku,
    order.api === 'v1' ? 'at the order (v1)' : describeBillingStart(book.start),
    book.billingStartedAt !== null && book.billingStartedAt > now
      ? raw(`scheduled: ${timeHtml(book.billingStartedAt)}`)
      : when(book.billingStartedAt, 'not started'),
    when(book.endedAt, 'running'),
    book.endedOn ?? '',
  ]);
  const headings = ['SKU', 'Billing starts', 'Billing started', 'Ended', 'Terminated on'];
  return htmlTable(headings, rows, 'bill-skus');
}

// The ledger's lines of the order: what each month's bill holds.
function monthTable(order: BookOrder): string {
  const lines = order.skus.flatMap((book) => skuLines(order, book));
  const rows = lines
    .sort((a, b) => a.period.localeCompare(b.period))
    .map((line) => [
      line.period,
      line.productSku,
      line.usageCount,
      line.reports,
      line.lateReports,
      line.negativeReports,
    ]);
  const headings = ['Month', 'SKU', 'Usage', 'Reports', 'In the blackout', 'Negative'];
  return `<p id="count-lines">${counted(lines.length, 'line')}.</p>
${htmlTable(headings, rows, 'bill-lines')}`;
}

// Every usage report, with why it landed where it did.
function reportTable(order: BookOrder): string {
  const reports = order.skus
    .flatMap((book) => book.usage.map((entry) => ({ sku: book.sku, ...entry })))
    .sort((a, b) => a.at - b.at);
  const rows = reports.map((entry) => [
    raw(timeHtml(entry.at)),
    entry.sku,
    formatDecimal(entry.count),
    entry.period,
    [
      entry.late ? 'sent in the month-end blackout' : '',
      entry.beforeStart ? 'before billing started' : '',
      entry.negative ? 'negative: reduces the bill' : '',
    ]
      .filter(Boolean)
      .join('; '),
  ]);
  return `<p id="count-reports">${counted(reports.length, 'usage report')}.</p>
${htmlTable(['Received at', 'SKU', 'Count', 'On the bill of', 'Flags'], rows, 'bill-reports')}`;
}

/** An order's bill: its SKUs' billing, each month's lines, every usage report. */
export function renderBill(order: BookOrder, books: Books): string {
  return htmlPage(
    `Bill ${order.provisioningId} · Marketplace sandbox`,
    `<h1>Bill of order <code id="bill-order">${escapeHtml(order.provisioningId)}</code></h1>
<p>Customer <strong id="bill-customer">${escapeHtml(order.customerId)}</strong>, product ${order.productId}, ordered ${timeHtml(order.orderedAt)}. Months are in Chicago time, as the marketplace bills; usage sent after 18:00 CST on a month's last day is on the next month's bill.</p>
<section id="bill-billing"><h2>Billing per SKU</h2>
${skuTable(order, books.clock.now())}
</section>
<section id="bill-months"><h2>Monthly lines</h2>
${monthTable(order)}
</section>
<section id="bill-usage"><h2>Usage reports</h2>
${reportTable(order)}
</section>
<p><a href="/marketplace">Back to the marketplace</a> · <a href="/_sandbox/ledger">The whole ledger (JSON)</a></p>`,
  );
}

/** `GET /marketplace/orders/:provisioningId/bill` (v1: the coid); 404 for an unknown order. */
export function billRouter(state: SandboxState): Router {
  const router = Router();
  router.get('/marketplace/orders/:id/bill', pageHeaders(), (req, res) => {
    const order = state.books.orders.get(String(req.params.id));
    if (order === undefined) {
      const body =
        '<h1>No such order</h1>\n<p><a href="/marketplace">Back to the marketplace</a></p>';
      res.status(404).type('html').send(htmlPage('No such order · Marketplace sandbox', body));
      return;
    }
    res.type('html').send(renderBill(order, state.books));
  });
  return router;
}
