// `pnpm demo`: the whole flow on this machine. A sandbox stands in for the marketplace
// (onramp endpoints and a product page with a Buy button), a collector relays to it and
// provisions orders, and a demo provider site carries the pixel and creates accounts.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { escapeHtml } from '../packages/collector/dist/admin/views/html.js';
import { SIGNATURE_HEADER, verifyForwardSignature } from '../packages/collector/dist/index.js';
import { spawnReady } from './lib/spawn-ready.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'packages/collector/dist/cli.js');
const host = '127.0.0.1';
const port = (name, fallback) => Number(process.env[name] ?? fallback);
const ports = {
  sandbox: port('DEMO_SANDBOX_PORT', 5100),
  collector: port('DEMO_COLLECTOR_PORT', 5101),
  site: port('DEMO_SITE_PORT', 5102),
};
const urls = Object.fromEntries(Object.entries(ports).map(([k, p]) => [k, `http://${host}:${p}`]));
// DEMO_DATA_DIR: another folder for the collector's database (a second demo at once).
const dataDir = process.env.DEMO_DATA_DIR ?? join(root, '.demo');
// Local only (127.0.0.1); a real collector needs secrets of its own, each different.
const secrets = {
  admin: process.env.DEMO_ADMIN_TOKEN ?? 'demo-admin-token',
  // The provider's backend → the collector's provider API.
  api: process.env.DEMO_API_TOKEN ?? 'demo-provider-api-token',
  // The marketplace → the collector's /marketplace/provision (set in the Provider Portal).
  provision: process.env.DEMO_PROVISION_TOKEN ?? 'demo-marketplace-provision-token',
  // The collector → the site's /accounts, HMAC-signed.
  forward: process.env.DEMO_FORWARD_SECRET ?? 'demo-account-forward-secret',
};
// The provider's key: on the pixel, in the collector's calls, and the one the sandbox takes.
const PROVIDER_KEY = 'PK-DEMO';
// The provider's product, on its site and on the marketplace's page.
const PRODUCT_NAME = 'Acme CRM';
// Each run starts fresh: the sandbox marketplace and the demo site keep their books in
// memory, so a collector database kept from an earlier run would hold orders the marketplace
// no longer knows (it refuses every call about them) and customer ids the site hands out again.
const dbFiles = ['', '-wal', '-shm', '.lock'].map((end) => join(dataDir, `collector.sqlite${end}`));
const earlier = dbFiles.filter((file) => existsSync(file));
for (const file of earlier) rmSync(file);
mkdirSync(dataDir, { recursive: true });

const children = [];
const run = async (name, args, env) =>
  (
    await spawnReady(process.execPath, [cli, ...args], {
      name,
      // Children log JSON when piped; the demo is read by people.
      env: { CLM_LOG_FORMAT: 'pretty', ...process.env, ...env },
      ready: /listening on/,
      // Stopped by the demo's own signal handling, which must know them while they start.
      onSpawn: (child) => children.push(child),
      onOutput: (text, stream) => process[stream].write(text),
      keepChars: 10_000,
    })
  ).child;

const page = (title, body) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title} · ${PRODUCT_NAME}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1d2733}
input,button{font:inherit;padding:.4rem .6rem}button{background:#0b6bcb;color:#fff;border:0;border-radius:4px}
button.danger{background:#c62828}code{background:#eef2f6;padding:0 .2rem}
table{border-collapse:collapse;margin:1rem 0}td,th{border-bottom:1px solid #d5dde5;padding:.3rem .8rem .3rem 0;text-align:left}
.error{color:#c62828}.note{background:#e8f4ec;border:1px solid #bfe0c8;border-radius:6px;padding:.5rem .75rem}
.note.warn{background:#fdf3dc;border-color:#f0d9a0}.period{white-space:nowrap}</style>
<script>window.clmPixel=window.clmPixel||{q:[],purchase:function(){clmPixel.q.push(['purchase',arguments])}};</script>
<script async src="${urls.collector}/pixel.js" data-provider-key="${PROVIDER_KEY}" data-service="acme-crm" data-debug></script>
</head><body><h1>${title}</h1>${body}</body></html>`;

const readBody = (req) =>
  new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > 64 * 1024) req.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });

const sendJson = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

// The provider's accounts, by the marketplace's provisioningId (a repeat gets the same one).
const accounts = new Map();
let nextCustomer = 50_001;

// `POST /accounts`: what the collector forwards each marketplace order to, signed.
async function createAccount(req, res) {
  const raw = await readBody(req);
  const header = req.headers[SIGNATURE_HEADER.toLowerCase()];
  if (!verifyForwardSignature({ secret: secrets.forward, header, body: raw })) {
    sendJson(res, 401, { message: 'Bad or missing signature.' });
    return;
  }
  let order;
  try {
    order = JSON.parse(raw);
  } catch {
    sendJson(res, 400, { message: 'The order could not be read.' });
    return;
  }
  // Personal data: checked, never logged.
  const email = typeof order.contactEmail === 'string' ? order.contactEmail.toLowerCase() : '';
  if (email.endsWith('@blocked.example')) {
    sendJson(res, 400, { message: 'Accounts for blocked.example cannot be created here.' });
    return;
  }
  let account = accounts.get(order.provisioningId);
  if (!account) {
    account = { customerId: nextCustomer++, provisioningId: String(order.provisioningId) };
    accounts.set(account.provisioningId, account);
    console.log(`[site] account ${account.customerId} created for a marketplace order`);
  }
  // A number, on purpose: the collector answers the marketplace with it as a string.
  sendJson(res, 200, { customerId: account.customerId, plan: 'trial' });
}

// The site's backend calls the collector's provider API; the token never reaches a browser.
async function collectorApi(method, path, body = {}) {
  const res = await fetch(`${urls.collector}${path}`, {
    method,
    headers: { authorization: `Bearer ${secrets.api}`, 'content-type': 'application/json' },
    ...(method === 'POST' && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json().catch(() => ({})) };
}

// Each SKU's state as the collector reports it, in the customer's words.
const billingText = { 'not-requested': 'not started', pending: 'starting…', delivered: 'billing' };
const endText = { pending: 'cancelling…', delivered: 'cancelled' };
const stateText = (words, call, fallback) =>
  call.state === 'failed'
    ? `failed: ${call.error ?? 'see the Orders page'}`
    : (words[call.state] ?? fallback);

// What the usage form proposes; any decimal the collector takes (at most 6 decimal places).
const DEFAULT_QUANTITY = '1.5';
const QUANTITY = /^\d{1,12}(\.\d{1,6})?$/;

// A usage report's state, in the provider's words (the collector's status when it has one).
const reportText = (report) => {
  if (report.state === 'not-reported') return 'not reported yet (the month is open)';
  if (report.status === 'unconfirmed') return 'unconfirmed: see the Usage page';
  if (report.state === 'failed') return `failed: ${report.error ?? 'see the Usage page'}`;
  if (report.state === 'delivered') return report.late ? 'reported (late)' : 'reported';
  return 'reporting…';
};

function usageTable(lines) {
  if (!lines?.length) return '<p id="usage-empty">No usage yet.</p>';
  const rows = lines
    .map(
      (line) =>
        `<tr data-period="${escapeHtml(line.period)}" data-sku="${escapeHtml(line.sku)}"><td class="period">${escapeHtml(line.period)}</td><td><code>${escapeHtml(line.sku)}</code></td><td class="quantity">${escapeHtml(line.quantity)}</td><td class="report">${escapeHtml(reportText(line.report))}</td></tr>`,
    )
    .join('');
  return `<table id="usage"><thead><tr><th>Month</th><th>SKU</th><th>Usage</th><th>Marketplace report</th></tr></thead><tbody>${rows}</tbody></table>`;
}

async function accountPage(provisioningId, used) {
  const notice = used?.sku
    ? `<p id="result">${escapeHtml(used.quantity)} units of <code>${escapeHtml(used.sku)}</code> recorded: they count in ${escapeHtml(used.period)}.</p>`
    : '';
  if (!provisioningId) {
    const list = [...accounts.values()]
      .map(
        (a) =>
          `<li><a href="/account?provisioningId=${encodeURIComponent(a.provisioningId)}">Account ${a.customerId}</a> (order <code>${escapeHtml(a.provisioningId)}</code>)</li>`,
      )
      .join('');
    return [
      200,
      page(
        'Your subscriptions',
        list
          ? `<ul id="accounts">${list}</ul>`
          : `<p>No account yet: buy on the <a href="${urls.sandbox}/marketplace">marketplace</a> first.</p>`,
      ),
    ];
  }
  const { status, body } = await collectorApi(
    'GET',
    `/api/subscriptions/${encodeURIComponent(provisioningId)}`,
  );
  if (status !== 200) {
    return [
      status === 404 ? 404 : 502,
      page(
        'Your subscription',
        `<p class="error">${escapeHtml(body.error ?? `HTTP ${status}`)}</p><p><a href="/account">All subscriptions</a></p>`,
      ),
    ];
  }
  const useButton = (s) =>
    s.endedAt
      ? ''
      : `<form method="post" action="/account/usage" class="use"><input type="hidden" name="provisioningId" value="${escapeHtml(provisioningId)}"><input type="hidden" name="sku" value="${escapeHtml(s.sku)}">
<label>Units <input name="quantity" inputmode="decimal" required size="8" pattern="\\d{1,12}(\\.\\d{1,6})?" title="a decimal such as 0.25 or 1.5, at most 6 decimal places" value="${DEFAULT_QUANTITY}" aria-label="Units of ${escapeHtml(s.sku)}"></label>
<button>Record usage</button></form>`;
  const rows = body.skus
    .map(
      (s) =>
        `<tr data-sku="${escapeHtml(s.sku)}"><td><code>${escapeHtml(s.sku)}</code></td><td>${escapeHtml(s.endedAt ? (s.billing.state === 'not-requested' ? 'never started' : 'stopped') : stateText(billingText, s.billing, s.billing.state))}</td><td>${escapeHtml(s.endedAt ? stateText(endText, s.end, 'cancelled') : 'active')}</td><td>${useButton(s)}</td></tr>`,
    )
    .join('');
  const cancel = body.terminatedAt
    ? '<p id="cancelled">This subscription is cancelled.</p>'
    : `<form method="post" action="/account/cancel"><input type="hidden" name="provisioningId" value="${escapeHtml(provisioningId)}">
<button class="danger" id="cancel">Cancel subscription</button></form>`;
  return [
    200,
    page(
      'Your subscription',
      `${notice}<p>Customer <code id="customer-id">${escapeHtml(body.customerId)}</code>, marketplace order <code>${escapeHtml(provisioningId)}</code>.</p>
<table><thead><tr><th>SKU</th><th>Billing</th><th>Status</th><th>Usage</th></tr></thead><tbody>${rows}</tbody></table>
<h2>Usage</h2>
<p>Each <em>Record usage</em> is a usage event of the units typed (a decimal such as 0.25 or 1.5, exact): this site's backend posts it to the collector (<code>POST /api/usage</code>). The collector adds them up per month and reports each month's sum to the marketplace once, at the month's close, or when you press <em>Close the month now</em> on its <a href="${urls.collector}/admin/usage">Usage page</a>.</p>
${usageTable(body.usage)}
${cancel}<p><a href="/account">All subscriptions</a></p>`,
    ),
  ];
}

async function cancelPage(req) {
  const form = new URLSearchParams(await readBody(req));
  const provisioningId = form.get('provisioningId') ?? '';
  const { status, body } = await collectorApi(
    'POST',
    `/api/subscriptions/${encodeURIComponent(provisioningId)}/terminate`,
  );
  const back = `<p><a href="/account?provisioningId=${encodeURIComponent(provisioningId)}">Back to the subscription</a></p>`;
  if (status === 200 || status === 202) {
    return [
      200,
      page(
        'Subscription cancelled',
        `<p id="result">Cancelled. The collector tells the marketplace (<code>/saas-usage/end</code>, once per SKU): watch it arrive in the <a href="${urls.sandbox}/">sandbox</a>.</p>${back}`,
      ),
    ];
  }
  return [
    status >= 500 ? 502 : status,
    page(
      'Subscription not cancelled',
      `<p id="result" class="error">${escapeHtml(body.error ?? `HTTP ${status}`)}</p>${back}`,
    ),
  ];
}

// "Record usage": the site's backend reports a usage event of the units typed; each press
// is a new event.
async function usagePage(req) {
  const form = new URLSearchParams(await readBody(req));
  const provisioningId = form.get('provisioningId') ?? '';
  const sku = form.get('sku') ?? '';
  const quantity = (form.get('quantity') ?? '').trim();
  const back = `<p><a href="/account?provisioningId=${encodeURIComponent(provisioningId)}">Back to the subscription</a></p>`;
  if (!QUANTITY.test(quantity)) {
    const why = 'Units must be a decimal such as 0.25 or 1.5, with at most 6 decimal places.';
    return [400, page('Usage not recorded', `<p id="result" class="error">${why}</p>${back}`)];
  }
  // The quantity goes out as the decimal typed, never through a double.
  const event = { eventId: `acme-${randomUUID()}`, provisioningId, productSku: sku };
  const raw = `${JSON.stringify(event).slice(0, -1)},"quantity":${quantity}}`;
  const { status, body } = await collectorApi('POST', '/api/usage', raw);
  if (status === 200 || status === 202) {
    // Back to the account page (a GET: reloading it reports nothing more).
    const query = new URLSearchParams({
      provisioningId,
      used: sku,
      quantity,
      period: body.events?.[0]?.period ?? '',
    });
    return [303, '', `/account?${query}`];
  }
  return [
    status >= 500 ? 502 : status,
    page(
      'Usage not recorded',
      `<p id="result" class="error">${escapeHtml(body.error ?? `HTTP ${status}`)}</p>${back}`,
    ),
  ];
}

// A form posted from another site must not cancel anything, nor report usage.
const crossSite = (req) => {
  const site = req.headers['sec-fetch-site'];
  return site !== undefined && site !== 'same-origin' && site !== 'none';
};

let signups = 0;
async function handle(req, res) {
  const url = new URL(req.url ?? '/', urls.site);
  const path = url.pathname;
  if (req.method === 'POST' && path === '/accounts') return createAccount(req, res);
  res.setHeader('content-type', 'text/html; charset=utf-8');
  const accountPost = path === '/account/cancel' || path === '/account/usage';
  if (path === '/account' || (req.method === 'POST' && accountPost)) {
    if (req.method === 'POST' && crossSite(req)) {
      res.statusCode = 403;
      res.end(page('Refused', '<p>Cross-site form post.</p>'));
      return;
    }
    const [status, html, location] =
      req.method !== 'POST'
        ? await accountPage(url.searchParams.get('provisioningId'), {
            sku: url.searchParams.get('used'),
            quantity: url.searchParams.get('quantity') ?? '',
            period: url.searchParams.get('period') ?? '',
          })
        : path === '/account/usage'
          ? await usagePage(req)
          : await cancelPage(req);
    res.statusCode = status;
    if (location) res.setHeader('location', location);
    res.end(html);
    return;
  }
  if (req.method === 'POST' && path === '/signup') {
    // The provider's backend creates the account; its id is what the marketplace is told.
    const customerId = `acct-${Date.now().toString(36)}-${++signups}`;
    res.end(
      page(
        'Welcome aboard',
        `<p>Account <code>${customerId}</code> created.</p>
<p id="result">Reporting the purchase…</p>
<p id="next" hidden>Now look at the <a href="${urls.sandbox}/">marketplace sandbox</a>: the purchase arrives there within a second or two.</p>
<script>
// By 'load' the async pixel has replaced the stub, so the call's result can be shown.
addEventListener('load', function () {
  var result = document.getElementById('result');
  if (!clmPixel.referral) return (result.textContent = 'The pixel did not load: is the collector running?');
  clmPixel.purchase(${JSON.stringify(customerId)}).then(function (r) {
    if (r.sent) {
      result.textContent = 'Purchase reported to the collector, which relays it to the marketplace.';
      document.getElementById('next').hidden = false;
    } else if (r.reason === 'no-referral') {
      result.className = 'error';
      result.textContent = 'Purchase not reported: this browser has no marketplace referral, and the ' +
        'marketplace pays only for accounts it drove, so nothing goes to the marketplace. To see a ' +
        'purchase arrive, open the marketplace link the demo printed (it carries ?clm_ref=…) and sign up from there.';
    } else if (r.reason === 'already-sent') {
      result.textContent = 'Already reported: this browser reported this customer before.';
    } else {
      result.className = 'error';
      result.textContent = 'Purchase not reported: ' + r.reason + ' (the browser console says more).';
    }
  });
});
</script>`,
      ),
    );
    return;
  }
  if (path === '/favicon.ico') {
    res.writeHead(204).end();
    return;
  }
  if (path === '/') {
    res.end(
      page(
        PRODUCT_NAME,
        `<p>The CRM your sales team will actually use.</p>
<p id="referral" class="note">Looking for a marketplace referral…</p>
<form method="post" action="/signup"><label>Work email <input name="email" type="email" required value="jo@example.com"></label>
<button>Start free trial</button></form>
<script>
// What the pixel captured from the marketplace link (first-party, 30 days by default): the demo
// shows it, a real site would not.
addEventListener('load', function () {
  var note = document.getElementById('referral');
  if (!clmPixel.referral) return (note.textContent = 'The pixel did not load: is the collector running?');
  var ref = clmPixel.referral();
  if (!ref) {
    note.className = 'note warn';
    note.textContent = 'No marketplace referral in this browser: a signup now is not reported (the ' +
      'marketplace pays only for accounts it drove). Open the marketplace link the demo printed first.';
    return;
  }
  var utm = Object.keys(ref.utm).map(function (k) { return 'utm_' + k + '=' + ref.utm[k]; }).join(', ');
  note.textContent = 'Marketplace referral captured: ' + ref.id + (utm ? ' (' + utm + ')' : '') +
    ', ' + new Date(ref.at).toLocaleString() + '. Start a free trial and the purchase is reported.';
});
</script>`,
      ),
    );
    return;
  }
  res.statusCode = 404;
  res.end(page('Not found', '<p><a href="/">Home</a></p>'));
}

const site = createServer((req, res) => {
  handle(req, res).catch((error) => {
    console.error(
      `[site] ${req.method} ${new URL(req.url ?? '/', urls.site).pathname} failed: ${error.message}`,
    );
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('Something went wrong.');
  });
});

const running = () => children.filter((c) => c.exitCode === null && c.signalCode === null);
// Ctrl+C, or a signal sent to the whole process group, reaches the sandbox and the collector
// too, and a second signal would cut their clean shutdown short: only those still running
// a moment later (the demo alone was signalled) get one from here.
const stop = (signal) => {
  site.close();
  site.closeAllConnections();
  const late = setTimeout(
    () => {
      for (const child of running()) child.kill('SIGTERM');
    },
    signal ? 3000 : 0,
  );
  for (const child of running()) child.once('exit', () => running().length || clearTimeout(late));
};
// pnpm passes on the SIGINT a terminal's Ctrl+C already sent the demo: a repeat within a
// moment is the same request; a later one stops it at once.
let stopping = 0;
const onSignal = (signal) => {
  if (stopping === 0) {
    stopping = Date.now();
    stop(signal);
  } else if (Date.now() - stopping > 1000) process.exit(1);
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

try {
  await run(
    'sandbox',
    [
      'sandbox',
      '--host',
      host,
      '--port',
      String(ports.sandbox),
      '--provision-url',
      `${urls.collector}/marketplace/provision`,
      // One product name everywhere: the provider's site is Acme CRM.
      '--product-name',
      PRODUCT_NAME,
    ],
    // The collector's key (the marketplace refuses calls with any other), in the environment:
    // on the command line `ps` would show it.
    { CLM_PROVISION_TOKEN: secrets.provision, CLM_PROVIDER_KEY: PROVIDER_KEY },
  );
  await run('collector', ['serve'], {
    ONRAMP_BASE_URL: urls.sandbox,
    HOST: host,
    PORT: String(ports.collector),
    CLM_PARTNER_KEYS: PROVIDER_KEY,
    CLM_ALLOWED_ORIGINS: urls.site,
    CLM_DB: join(dataDir, 'collector.sqlite'),
    CLM_ADMIN_TOKEN: secrets.admin,
    CLM_API_TOKEN: secrets.api,
    CLM_PROVISION_TOKEN: secrets.provision,
    CLM_PROVISION_FORWARD_URL: `${urls.site}/accounts`,
    CLM_PROVISION_FORWARD_SECRET: secrets.forward,
  });
  await new Promise((resolve, reject) =>
    site.listen(ports.site, host, resolve).once('error', reject),
  );
  // Answered once the collector has written its start-up lines: the instructions come last.
  await fetch(`${urls.collector}/readyz`);
} catch (error) {
  console.error(`[demo] could not start: ${error.message}`);
  stop();
  process.exit(1);
}

console.log(`
[demo] Everything is running on ${host}. Ctrl+C stops it all.

 1. Tracking: open the marketplace link, which lands on the provider's site, and sign up:

    ${urls.site}/?clm_ref=demo-${Date.now().toString(36)}&utm_source=clm-marketplace

 2. An order: buy the product on the marketplace (any email; one at @blocked.example is
    refused by the provider, and you see its message):

    ${urls.sandbox}/marketplace

 3. Then open the Orders page (sign in with the token ${secrets.admin}) and press Start billing;
    a confirm page names each /start-billing/ call before anything is sent:

    ${urls.collector}/admin/orders

 4. Usage: report some usage on the account page (each "Record usage" is a usage event of
    the units typed, a decimal such as 0.25 or 1.5, that the site's backend posts to the
    collector's POST /api/usage):

    ${urls.site}/account

    then press Close the month now on the collector's Usage page (its confirm page shows
    each report's exact sum):

    ${urls.collector}/admin/usage

    and see the report (/saas-usage/: one per order and SKU, the month's exact sum) on the
    sandbox page, ${urls.sandbox}/
    (Usage after an early close counts in the next month, which can only be closed once it
    begins: to close again today, restart the demo, which starts fresh.)

 5. Cancel it as the customer, on the same account page (usage not yet reported is
    reported first, then /saas-usage/end).

 6. The bill: the marketplace keeps the books of each order it provisioned. On the
    marketplace page, open your order in the Orders list: its Bill page shows when each
    SKU's billing started, each month's usage as the marketplace adds it up (Chicago
    months; a report in the month-end blackout is flagged) and the end:

    ${urls.sandbox}/marketplace   (every order's lines as JSON: ${urls.sandbox}/_sandbox/ledger)

 7. Every call the marketplace received (tracking, start-billing, saas-usage,
    saas-usage/end) shows here; one it would refuse (an unknown order, another provider
    key, usage after the end) gets a 400 and is not recorded:

    ${urls.sandbox}/

 8. The provider API, as your own backend would call it (token ${secrets.api}):

    curl -s -H 'Authorization: Bearer ${secrets.api}' -H 'Content-Type: application/json' \\
      -d '{"provisioningId":"<order id>"}' ${urls.collector}/api/billing/start
    curl -s -H 'Authorization: Bearer ${secrets.api}' -H 'Content-Type: application/json' \\
      -d '{"eventId":"my-event-1","provisioningId":"<order id>","productSku":"MRKTPLC-DEMO-CRM-SEATS","quantity":0.25}' \\
      ${urls.collector}/api/usage

    (<order id>: the provisioningId on the Buy result or the Orders page.)

[demo] Collector: ${urls.collector} (data in ${process.env.DEMO_DATA_DIR ?? '.demo/'}).
[demo] Every run starts fresh: the sandbox and the site keep nothing across runs, so the collector's database is new too${earlier.length > 0 ? " (the last run's database was removed)" : ''}.
`);
