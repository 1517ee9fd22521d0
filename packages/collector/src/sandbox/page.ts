import { dashboardOf } from './dashboard-link.js';
import { counted, htmlPage, htmlTable, type SandboxLinks, timeCell } from './html.js';
import { ENDPOINT_PATHS } from './marketplace-endpoints.js';
import { renderProvisionings } from './marketplace-page.js';
import type { Endpoint, SandboxState } from './state.js';

// Per endpoint: its heading, what one call is called, and the body fields shown.
const SECTIONS: readonly {
  endpoint: Endpoint;
  heading: string;
  noun: [string, string];
  fields: string[];
}[] = [
  {
    endpoint: 'SaasTrackings',
    heading: 'Purchases',
    noun: ['purchase', 'purchases'],
    fields: ['partnerKey', 'serviceName', 'customerId', 'purchasedAt'],
  },
  {
    endpoint: 'start-billing',
    heading: 'Billing starts',
    noun: ['start-billing call', 'start-billing calls'],
    fields: ['providerKey', 'customerId', 'provisioningId', 'productId', 'productSkus'],
  },
  {
    endpoint: 'saas-usage',
    heading: 'Usage reports',
    noun: ['usage report', 'usage reports'],
    fields: [
      'providerKey',
      'customerId',
      'provisioningId',
      'productId',
      'productSku',
      'usageCount',
    ],
  },
  {
    endpoint: 'saas-usage-end',
    heading: 'Terminations',
    noun: ['termination', 'terminations'],
    fields: ['providerKey', 'customerId', 'provisioningId', 'productId', 'productSkus'],
  },
  {
    endpoint: 'update-subscription',
    heading: 'Subscription updates (v1)',
    noun: ['update', 'updates'],
    fields: ['coid', 'expired', 'expired-date', 'sku', 'count', 'providerkey'],
  },
];

const REFRESH_SECONDS = 2;

// The key fields of the calls: the page shows enough to tell keys apart, never a whole key
// (a screen share or a shared demo must not give it away). /_sandbox/calls keeps them whole.
const KEY_FIELDS = new Set(['providerKey', 'providerkey', 'partnerKey']);

// A key cut to its first 4 characters, at most half of it, then "…".
function maskKey(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return `${value.slice(0, Math.min(4, Math.floor(value.length / 2)))}…`;
}

const cellOf = (field: string, value: unknown) => {
  if (field === 'purchasedAt') return timeCell(value);
  return KEY_FIELDS.has(field) ? maskKey(value) : value;
};

/**
 * The sandbox's HTML page: the calls it received, per endpoint, and the Buy attempts.
 * `provisionUrl` is where Buy sends orders, for a link to that collector's dashboard.
 */
export function renderSandboxPage(state: SandboxState, provisionUrl?: string): string {
  const sections = SECTIONS.map(({ endpoint, heading, noun, fields }) => {
    const calls = state.calls.filter((call) => call.endpoint === endpoint);
    // The SaasTrackings ids predate the other sections; tests and scripts rely on them.
    const countId = endpoint === 'SaasTrackings' ? 'count' : `count-${endpoint}`;
    // The sandbox numbers calls across every endpoint: a column named "#" read as missing rows.
    const rows = calls.map(({ id, receivedAt, body }) => [
      id,
      timeCell(receivedAt),
      ...fields.map((field) => cellOf(field, body[field])),
    ]);
    return `<section id="calls-${endpoint}">
<div class="section-head"><h2>${heading}</h2><code>POST ${ENDPOINT_PATHS[endpoint]}</code></div>
<p id="${countId}">${counted(calls.length, ...noun)} received.</p>
${htmlTable(['Call id', 'Received at', ...fields], rows)}
</section>`;
  });
  const links: SandboxLinks = { dashboard: dashboardOf(provisionUrl) };
  return htmlPage(
    'Marketplace sandbox',
    `<h1>Calls the marketplace received</h1>
<p>This sandbox stands in for the marketplace: it records every call a collector makes. Buy a product as a marketplace customer would on the <a href="/marketplace">marketplace page</a>.</p>
<p class="muted" id="refresh-note">This page refreshes every ${REFRESH_SECONDS} s.</p>
${sections.join('\n')}
${renderProvisionings(state.provisionings)}`,
    REFRESH_SECONDS,
    links,
  );
}
