import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { reportPurchase } from './attribution.js';
import { chromiumLaunch } from './chromium.js';
import { type PageSetup, renderPage } from './site.js';

/** The provider's registrable domain: marketing on www., signup on app. */
export const SITE_DOMAIN = 'site.test';

/** Chromium resolving both host names to loopback, and nothing else differently. */
export const subdomainLaunch = chromiumLaunch([
  `--host-resolver-rules=MAP www.${SITE_DOMAIN} 127.0.0.1, MAP app.${SITE_DOMAIN} 127.0.0.1`,
]);

/** What the signup backend did with one `POST /signup`. */
export interface SignupReport {
  customerId: string;
  /** The referral read from the `clm_ref` cookie, as passed on; undefined without one. */
  referral: unknown;
  status: number;
}

/** One provider site answering on www. and app. (127.0.0.1, one random port). */
export interface SubdomainSite {
  setup: PageSetup;
  www: (path: string) => string;
  app: (path: string) => string;
  /** What the signup backend reported to the collector, in order. */
  reports: SignupReport[];
  close: () => Promise<void>;
}

// As the README's Express example reads it: the referral the pixel keeps in its cookie.
const referralCookie = (req: IncomingMessage): unknown => {
  const value = /(?:^|;\s*)clm_ref=([^;]*)/.exec(req.headers.cookie ?? '')?.[1];
  return value ? JSON.parse(decodeURIComponent(value)) : undefined;
};

const readBody = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/**
 * Pages with the pixel on every path, and the provider's signup backend at `POST /signup`
 * (body: the new customer's id): it reports the purchase to the collector with the referral
 * of the request's `clm_ref` cookie, as the README shows.
 */
export async function startSubdomainSite(options: {
  collectorUrl: () => string;
  setup: PageSetup;
  apiToken: string;
}): Promise<SubdomainSite> {
  const reports: SignupReport[] = [];
  // The largest referral's landing URL is ~17 KB: past Node's default 16 KB of headers.
  const server = createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'POST' && path === '/signup') {
      void readBody(req).then(async (customerId) => {
        const referral = referralCookie(req);
        const { status } = await reportPurchase(options.collectorUrl(), options.apiToken, {
          customerId,
          ...(referral !== undefined && { referral }),
        });
        reports.push({ customerId, referral, status });
        res.writeHead(status < 300 ? 200 : 502).end();
      });
      return;
    }
    if (path === '/favicon.ico') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(renderPage(options.collectorUrl(), options.setup, path));
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    setup: options.setup,
    www: (path) => `http://www.${SITE_DOMAIN}:${port}${path}`,
    app: (path) => `http://app.${SITE_DOMAIN}:${port}${path}`,
    reports,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
