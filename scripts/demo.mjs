// `pnpm demo`: the whole flow on this machine. A sandbox onramp stands in for the
// marketplace, a collector relays to it, and a demo provider site carries the pixel.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
const dataDir = join(root, '.demo');
// Local only (127.0.0.1); a real collector needs a secret of its own.
const adminToken = process.env.DEMO_ADMIN_TOKEN ?? 'demo-admin-token';
mkdirSync(dataDir, { recursive: true });

const children = [];
const run = (name, args, env) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      // Children log JSON when piped; the demo is read by people.
      env: { CLM_LOG_FORMAT: 'pretty', ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    child.stdout.on('data', (chunk) => {
      const text = chunk.toString();
      process.stdout.write(text);
      if (/listening on/.test(text)) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with code ${code}`)));
  });

const page = (title, body) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title} · Acme CRM</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1d2733}
input,button{font:inherit;padding:.4rem .6rem}button{background:#0b6bcb;color:#fff;border:0;border-radius:4px}
code{background:#eef2f6;padding:0 .2rem}</style>
<script>window.clmPixel=window.clmPixel||{q:[],purchase:function(){clmPixel.q.push(['purchase',arguments])}};</script>
<script async src="${urls.collector}/pixel.js" data-provider-key="PK-DEMO" data-service="acme-crm" data-debug></script>
</head><body><h1>${title}</h1>${body}</body></html>`;

let accounts = 0;
const site = createServer((req, res) => {
  const path = new URL(req.url ?? '/', urls.site).pathname;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  if (req.method === 'POST' && path === '/signup') {
    // The provider's backend creates the account; its id is what the marketplace is told.
    const customerId = `acct-${Date.now().toString(36)}-${++accounts}`;
    res.end(
      page(
        'Welcome aboard',
        `<p>Account <code>${customerId}</code> created.</p>
<p id="result">Reporting the purchase…</p>
<script>
// By 'load' the async pixel has replaced the stub, so the call's result can be shown.
addEventListener('load', function () {
  var result = document.getElementById('result');
  if (!clmPixel.referral) return (result.textContent = 'The pixel did not load: is the collector running?');
  clmPixel.purchase(${JSON.stringify(customerId)}).then(function (r) {
    result.textContent = r.sent
      ? 'Purchase reported to the collector.'
      : 'Purchase not reported: ' + r.reason + '.';
  });
});
</script>
<p>Now look at the <a href="${urls.sandbox}/">marketplace sandbox</a>: the purchase arrives there.</p>`,
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
        'Acme CRM',
        `<p>The CRM your sales team will actually use.</p>
<form method="post" action="/signup"><label>Work email <input name="email" type="email" required value="jo@example.com"></label>
<button>Start free trial</button></form>`,
      ),
    );
    return;
  }
  res.statusCode = 404;
  res.end(page('Not found', '<p><a href="/">Home</a></p>'));
});

const stop = () => {
  for (const child of children) child.kill('SIGTERM');
  site.close();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

try {
  await run('sandbox', ['sandbox', '--host', host, '--port', String(ports.sandbox)], {});
  await run('collector', ['serve'], {
    ONRAMP_BASE_URL: urls.sandbox,
    HOST: host,
    PORT: String(ports.collector),
    CLM_PARTNER_KEYS: 'PK-DEMO',
    CLM_ALLOWED_ORIGINS: urls.site,
    CLM_DB: join(dataDir, 'collector.sqlite'),
    CLM_ADMIN_TOKEN: adminToken,
  });
  await new Promise((resolve, reject) =>
    site.listen(ports.site, host, resolve).once('error', reject),
  );
} catch (error) {
  console.error(`[demo] could not start: ${error.message}`);
  stop();
  process.exit(1);
}

console.log(`
[demo] Everything is running. Open the marketplace link, which lands on the provider's site:

    ${urls.site}/?clm_ref=demo-${Date.now().toString(36)}&utm_source=clm-marketplace

[demo] Sign up there, then watch the purchase arrive in the marketplace sandbox:

    ${urls.sandbox}/

[demo] The collector's dashboard (sign in with the token ${adminToken}) shows the funnel:

    ${urls.collector}/admin

[demo] Collector: ${urls.collector} (data in .demo/). Press Ctrl+C to stop.
`);
