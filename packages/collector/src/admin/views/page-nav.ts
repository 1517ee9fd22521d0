import { html, type SafeHtml } from './html.js';

const PAGES = [
  { key: 'purchases', href: '/admin', label: 'Purchases' },
  { key: 'orders', href: '/admin/orders', label: 'Orders' },
  { key: 'usage', href: '/admin/usage', label: 'Usage' },
] as const;

/** The links between the admin pages, the current one marked. */
export function pageNav(current: (typeof PAGES)[number]['key']): SafeHtml {
  const links = PAGES.map(
    (page) =>
      html`<a href="${page.href}"${page.key === current ? html` aria-current="page"` : ''}>${page.label}</a>`,
  );
  return html`<nav class="pages" aria-label="Admin pages">${links}</nav>`;
}

/** The sign-out button at the end of every page's header. */
export const signOutForm = (): SafeHtml =>
  html`<form method="post" action="/admin/logout"><button type="submit" class="quiet">Sign out</button></form>`;
