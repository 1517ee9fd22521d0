import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from '@playwright/test';
import { onExit } from './lib/guard.mjs';
import { listenLoopback } from './lib/listen.mjs';
import { summarize } from './lib/stats.mjs';

const pixelDir = dirname(createRequire(import.meta.url).resolve('@clm/pixel/package.json'));
const pixelFile = join(pixelDir, 'dist/pixel.js');
const STUB =
  "window.clmPixel=window.clmPixel||{q:[],purchase:function(){clmPixel.q.push(['purchase',arguments])}};";

// Counts writes to localStorage, sessionStorage and document.cookie before any page script.
const COUNT_WRITES = `(() => {
  window.__writes = 0;
  const setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (...args) { window.__writes++; return setItem.apply(this, args); };
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  Object.defineProperty(Document.prototype, 'cookie', {
    configurable: true,
    get() { return cookie.get.call(this); },
    set(value) { window.__writes++; cookie.set.call(this, value); },
  });
})();`;

const page = (body) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>shop</title><script>${STUB}</script>${body}</head><body><h1>Pricing</h1></body></html>`;

/** A provider page with the pixel's tag, and the same page with an empty inline script. */
async function startSite(collectorUrl) {
  const script = readFileSync(pixelFile);
  const tag = `<script async src="/pixel.js" data-provider-key="PK-bench" data-service="bench-service" data-collector="${collectorUrl}"></script>`;
  const pages = { '/pixel': page(tag), '/baseline': page('<script></script>') };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/pixel.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
      res.end(script);
    } else if (pages[path]) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      });
      res.end(pages[path]);
    } else {
      res.writeHead(404).end();
    }
  });
  return listenLoopback(server);
}

/** One fresh-profile load; main-thread time from CDP Performance.getMetrics, in ms. */
async function loadOnce(browser, url, { withPixel = false, countWrites = false }) {
  const context = await browser.newContext();
  try {
    const tab = await context.newPage();
    if (countWrites) await tab.addInitScript(COUNT_WRITES);
    const requests = [];
    tab.on('request', (request) => requests.push(request.url()));
    const cdp = await context.newCDPSession(tab);
    await cdp.send('Performance.enable');
    // An async script runs before the load event, so both pages are done here; nothing is
    // evaluated in the page before the metrics are read, so both carry the same overhead.
    await tab.goto(url, { waitUntil: 'load' });
    const { metrics } = await cdp.send('Performance.getMetrics');
    const ready = await tab.evaluate(() => typeof window.clmPixel?.referral === 'function');
    if (ready !== withPixel) throw new Error(`pixel ${withPixel ? 'not ' : ''}running on ${url}`);
    const metric = (name) => 1000 * (metrics.find((m) => m.name === name)?.value ?? Number.NaN);
    const writes = countWrites ? await tab.evaluate(() => window.__writes) : null;
    return {
      script: metric('ScriptDuration'),
      task: metric('TaskDuration'),
      // Everything but the page itself, the script tag's own fetch and the browser's favicon.
      requests: requests.filter(
        (r) => r !== url && new URL(r).pathname !== '/pixel.js' && !r.endsWith('/favicon.ico'),
      ),
      writes,
    };
  } finally {
    await context.close();
  }
}

/**
 * Pixel: sizes of dist/pixel.js against the budget, main-thread time of a page with the tag
 * against the same page with an empty inline script (interleaved loads, medians), and the
 * requests and storage writes of a plain page view (and, as a control, a referred one).
 */
export async function benchPixel({ loads, chromiumPath }) {
  // dist/pixel.js carries the cross-subdomain cookie: its budget is the one with it.
  const { measure, TARGET_GZIP_WITH_COOKIE } = await import(
    pathToFileURL(join(pixelDir, 'scripts/size.mjs')).href
  );
  const size = measure(pixelFile);

  // Anything reaching this origin is a beacon the page sent.
  let collectorHits = 0;
  const collector = await listenLoopback(
    createServer((_req, res) => {
      collectorHits++;
      res.writeHead(204).end();
    }),
  );
  const site = await startSite(collector.url);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  onExit(() => browser.close());
  try {
    const pixel = [];
    const baseline = [];
    // One unmeasured load of each warms the browser process and the server.
    await loadOnce(browser, `${site.url}/pixel`, { withPixel: true });
    await loadOnce(browser, `${site.url}/baseline`, {});
    for (let i = 0; i < loads; i++) {
      pixel.push(await loadOnce(browser, `${site.url}/pixel`, { withPixel: true }));
      baseline.push(await loadOnce(browser, `${site.url}/baseline`, {}));
    }
    const hitsBefore = collectorHits;
    const plain = await loadOnce(browser, `${site.url}/pixel`, {
      withPixel: true,
      countWrites: true,
    });
    const plainHits = collectorHits - hitsBefore;
    const referred = await loadOnce(browser, `${site.url}/pixel?clm_ref=R-bench`, {
      withPixel: true,
      countWrites: true,
    });
    return {
      size,
      targetGzip: TARGET_GZIP_WITH_COOKIE,
      loads,
      pixel: {
        script: summarize(pixel.map((r) => r.script)),
        task: summarize(pixel.map((r) => r.task)),
      },
      baseline: {
        script: summarize(baseline.map((r) => r.script)),
        task: summarize(baseline.map((r) => r.task)),
      },
      plainView: {
        requests: Math.max(plain.requests.length, plainHits),
        writes: plain.writes,
      },
      referredView: { requests: referred.requests.length, writes: referred.writes },
    };
  } finally {
    await browser.close();
    await site.close();
    await collector.close();
  }
}
