import { html, type SafeHtml } from './html.js';

/** A time (ms or ISO-8601) as `2025-03-01 12:00:00` in a `<time>`; a dash for none. */
export function utcTime(at: number | string | null): SafeHtml {
  if (at === null) return html`<span class="muted">—</span>`;
  const iso = new Date(at).toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 19).replace('T', ' ')}</time>`;
}

/** `text` cut to `max` characters, with an ellipsis when cut. */
export const cut = (text: string, max: number): string =>
  text.length > max ? `${text.slice(0, max)}…` : text;

export { plural } from '../../plural.js';
