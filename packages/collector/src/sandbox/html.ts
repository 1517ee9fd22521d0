import type { RequestHandler } from 'express';
import { htmlSecurityHeaders } from '../security/html-headers.js';

/** Escapes text for element content and quoted attribute values: the sandbox's only escaper. */
export const escapeHtml = (value: unknown): string =>
  String(value).replace(
    /[&<>"']/g,
    (char) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );

/** An HTML table; `rows` are cell values, escaped here (arrays shown comma-separated). */
export function htmlTable(
  headings: readonly string[],
  rows: readonly (readonly unknown[])[],
  id?: string,
): string {
  const cell = (value: unknown) =>
    `<td>${escapeHtml(Array.isArray(value) ? value.join(', ') : (value ?? ''))}</td>`;
  return `<table${id === undefined ? '' : ` id="${escapeHtml(id)}"`}>
<thead><tr>${headings.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>
${rows.map((row) => `<tr>${row.map(cell).join('')}</tr>`).join('\n')}
</tbody>
</table>`;
}

const STYLE =
  'body{font:15px system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}' +
  'td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}' +
  'label{display:block;margin:.6rem 0}input{font:inherit;min-width:22rem}' +
  'button{font:inherit;padding:.3rem 1.2rem}.error{color:#a00}';

/**
 * A whole sandbox page around `body` (trusted markup: callers escape what they put in).
 * `refreshSeconds` reloads it, for pages that watch calls arrive.
 */
export function htmlPage(title: string, body: string, refreshSeconds?: number): string {
  const refresh =
    refreshSeconds === undefined ? '' : `<meta http-equiv="refresh" content="${refreshSeconds}">\n`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
${refresh}<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/**
 * Helmet's secure headers for the sandbox's pages, with no scripts at all and without
 * upgrade-insecure-requests: the sandbox serves plain http, where an upgraded form post
 * would go to a https port that is not there.
 */
export const pageHeaders = (): RequestHandler =>
  htmlSecurityHeaders({
    contentSecurityPolicy: {
      directives: { 'script-src': ["'none'"], 'upgrade-insecure-requests': null },
    },
  });
