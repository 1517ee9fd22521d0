import type { ReceivedCall } from './state.js';

const escapeHtml = (value: unknown) =>
  String(value).replace(
    /[&<>"']/g,
    (char) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );

/** The sandbox's HTML page listing the purchases it received. */
export function renderReceivedPage(received: readonly ReceivedCall[]): string {
  const rows = received
    .map(
      ({ id, receivedAt, body }) =>
        `<tr><td>${id}</td><td>${escapeHtml(receivedAt)}</td><td>${escapeHtml(body.partnerKey)}</td>` +
        `<td>${escapeHtml(body.serviceName)}</td><td>${escapeHtml(body.customerId)}</td>` +
        `<td>${escapeHtml(body.purchasedAt)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="2">
<title>Marketplace sandbox</title>
<style>body{font:15px system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}</style>
</head>
<body>
<h1>Purchases received by the marketplace sandbox</h1>
<p id="count">${received.length} purchase(s) received.</p>
<table>
<thead><tr><th>#</th><th>Received at</th><th>partnerKey</th><th>serviceName</th><th>customerId</th><th>purchasedAt</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
}
