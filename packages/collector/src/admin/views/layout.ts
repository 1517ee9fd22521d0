import { html, type SafeHtml } from './html.js';

/** Path of the admin stylesheet (served by the admin router). */
export const STYLESHEET_PATH = '/admin/assets/admin.css';

/**
 * The HTML document around every admin page; `refreshSeconds` reloads it while something
 * it shows is in flight (no script runs on these pages).
 */
export function layout(
  title: string,
  body: SafeHtml,
  bodyClass = '',
  refreshSeconds?: number,
): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
${refreshSeconds === undefined ? '' : html`<meta http-equiv="refresh" content="${refreshSeconds}">`}
<title>${title} · clm-collector</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body class="${bodyClass}">
${body}
</body>
</html>
`.value;
}

/** A page with one message, for a disabled admin or a refused request. */
export function messagePage(
  title: string,
  message: string,
  back = { href: '/admin', label: 'Back to the dashboard' },
): string {
  return layout(
    title,
    html`<main class="card narrow"><h1>${title}</h1><p>${message}</p><p><a href="${back.href}">${back.label}</a></p></main>`,
    'centered',
  );
}
