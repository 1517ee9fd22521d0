import type { RequestHandler } from 'express';
import { escapeHtml, raw, SafeHtml } from '../admin/views/html.js';
import { htmlSecurityHeaders } from '../security/html-headers.js';

/** An instant (ms) as `<time>` markup showing `2026-07-01 12:00:03 UTC`. */
export const timeHtml = (ms: number): string => {
  const iso = new Date(ms).toISOString();
  return `<time datetime="${iso}">${iso.slice(0, 19).replace('T', ' ')} UTC</time>`;
};

/** An ISO-8601 instant as `2026-07-01 12:00:03 UTC`, machine-readable in `<time>`. */
export const timeCell = (iso: unknown): unknown => {
  if (typeof iso !== 'string' || Number.isNaN(Date.parse(iso))) return iso;
  const shown = `${new Date(iso).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  return raw(`<time datetime="${escapeHtml(iso)}">${shown}</time>`);
};

/** `1 purchase`, `2 purchases`. */
export const counted = (n: number, one: string, many = `${one}s`): string =>
  `${n} ${n === 1 ? one : many}`;

/**
 * An HTML table; `rows` are cell values, escaped here (arrays shown comma-separated) unless
 * {@link SafeHtml} (markup a caller built and escaped itself, made with `raw`). Each cell carries its heading, shown beside it on a phone. No rows,
 * no table.
 */
export function htmlTable(
  headings: readonly string[],
  rows: readonly (readonly unknown[])[],
  id?: string,
): string {
  const cell = (value: unknown, i: number) => {
    const label = ` data-label="${escapeHtml(headings[i] ?? '')}"`;
    if (value instanceof SafeHtml) return `<td${label}>${value.value}</td>`;
    return `<td${label}>${escapeHtml(Array.isArray(value) ? value.join(', ') : (value ?? ''))}</td>`;
  };
  const idAttr = id === undefined ? '' : ` id="${escapeHtml(id)}"`;
  // The count above the table already says "0 … received".
  if (rows.length === 0) return '';
  return `<table${idAttr}>
<thead><tr>${headings.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>
${rows.map((row) => `<tr>${row.map(cell).join('')}</tr>`).join('\n')}
</tbody>
</table>`;
}

const STYLE = `
:root { --ink: #1f2933; --muted: #65717e; --line: #e3e7ec; --bg: #f5f7fa; --blue: #1c6ed6;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); }
header { background: #fff; border-bottom: 1px solid var(--line); }
header > div, main { max-width: 1100px; margin: 0 auto; padding: 1rem 1.5rem; }
header > div { display: flex; flex-wrap: wrap; gap: .4rem 1.5rem; align-items: baseline; }
header strong { font-size: 1.05rem; }
header nav { display: flex; flex-wrap: wrap; gap: .3rem 1rem; }
h1 { font-size: 1.45rem; margin: .5rem 0; }
h2 { font-size: 1.1rem; margin: 0 0 .25rem; }
a { color: var(--blue); }
code { font: .85em ui-monospace, SFMono-Regular, Menlo, monospace; overflow-wrap: anywhere; }
p { margin: .4rem 0; }
.muted { color: var(--muted); }
section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 1rem 1.25rem; margin-top: 1rem; }
.section-head { display: flex; flex-wrap: wrap; gap: 0 1rem; align-items: baseline; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin-top: .5rem; }
th { text-align: left; font-size: .8rem; color: var(--muted); border-bottom: 2px solid var(--line); padding: .35rem .6rem .35rem 0; }
td { border-bottom: 1px solid var(--line); padding: .4rem .6rem .4rem 0; vertical-align: top; overflow-wrap: anywhere; }
time { white-space: nowrap; font-variant-numeric: tabular-nums; }
.word { white-space: nowrap; overflow-wrap: normal; }
form { max-width: 30rem; }
label { display: block; margin: .8rem 0; font-weight: 600; }
input { display: block; width: 100%; font: inherit; font-weight: 400; padding: .45rem .6rem; margin-top: .25rem; border: 1px solid #c5ccd4; border-radius: 7px; }
button { font: inherit; font-weight: 600; padding: .5rem 1.6rem; background: var(--blue); color: #fff; border: 0; border-radius: 7px; cursor: pointer; }
button:disabled { background: #c5ccd4; cursor: default; }
dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .2rem 1rem; }
dd { margin: 0; overflow-wrap: anywhere; }
.error { color: #a00; }
@media (max-width: 600px) {
  header > div, main { padding: .75rem; }
  section { padding: .9rem; }
  /* One block per row, each cell under its heading: no sideways scrolling on a phone. */
  table, tbody, tr { display: block; width: 100%; }
  thead { display: none; }
  tr { border-bottom: 1px solid var(--line); padding: .4rem 0; }
  td { display: flow-root; border: 0; padding: .1rem 0 .1rem 7.5rem; }
  td::before { content: attr(data-label); float: left; width: 7rem; margin-left: -7.5rem; color: var(--muted); font-size: .8rem; font-weight: 600; overflow-wrap: normal; }
  time { white-space: normal; }
}
`;

/** What the sandbox's pages link to in their header. */
export interface SandboxLinks {
  /** The collector's dashboard, when the sandbox knows the collector. */
  dashboard?: string | undefined;
}

function header(links: SandboxLinks): string {
  const dashboard =
    links.dashboard === undefined
      ? ''
      : ` <a href="${escapeHtml(links.dashboard)}" id="dashboard-link">Collector dashboard</a>`;
  return `<header><div><strong>Marketplace sandbox</strong>
<nav><a href="/">Calls received</a> <a href="/marketplace">Marketplace</a>${dashboard}</nav></div></header>`;
}

/**
 * A whole sandbox page around `body` (trusted markup: callers escape what they put in).
 * `refreshSeconds` reloads it, for pages that watch calls arrive.
 */
export function htmlPage(
  title: string,
  body: string,
  refreshSeconds?: number,
  links: SandboxLinks = {},
): string {
  const refresh =
    refreshSeconds === undefined ? '' : `<meta http-equiv="refresh" content="${refreshSeconds}">\n`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${refresh}<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
${header(links)}
<main>
${body}
</main>
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
