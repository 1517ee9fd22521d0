import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the provider's pages put on the pixel's script tag, plus optional page script. */
export interface PageSetup {
  attrs: Record<string, string>;
  /** Inline script placed after the stub and before the pixel's tag. */
  beforePixel?: string;
  /** Leave the pixel's tag out, e.g. to call the stub before it exists. */
  withoutPixel?: boolean;
  /** The pixel's file on the collector. Default `pixel.js`. */
  pixelFile?: string;
  /** Put on every inline script, for a page whose CSP allows scripts by nonce. */
  nonce?: string;
  /** Extra response headers of every page (e.g. a Content-Security-Policy). */
  headers?: Record<string, string>;
}

export const STUB =
  "window.clmPixel=window.clmPixel||{q:[],purchase:function(){clmPixel.q.push(['purchase',arguments])}};";

const escapeAttr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/** Renders a provider page: the documented stub and script tag, exactly as the README shows. */
export const renderPage = (collectorUrl: string, setup: PageSetup, title: string): string => {
  const attrs = Object.entries(setup.attrs)
    .map(([name, value]) => ` ${name}="${escapeAttr(value)}"`)
    .join('');
  const script = setup.nonce ? `<script nonce="${escapeAttr(setup.nonce)}">` : '<script>';
  const file = setup.pixelFile ?? 'pixel.js';
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${title}</title>
${script}${STUB}</script>
${setup.beforePixel ? `${script}${setup.beforePixel}</script>` : ''}
${setup.withoutPixel ? '' : `<script async src="${collectorUrl}/${file}"${attrs}></script>`}
</head><body><h1>${title}</h1><a id="next" href="/next">next</a></body></html>`;
};

/** A provider's website on its own origin (127.0.0.1, random port); every path is a page. */
export interface Site {
  url: string;
  setup: PageSetup;
  close: () => Promise<void>;
}

export async function startSite(collectorUrl: () => string, setup: PageSetup): Promise<Site> {
  const site = { url: '', setup, close: async () => {} };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/favicon.ico') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { ...site.setup.headers, 'content-type': 'text/html; charset=utf-8' });
    res.end(renderPage(collectorUrl(), site.setup, path));
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  site.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  site.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return site;
}
