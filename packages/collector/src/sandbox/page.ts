import { htmlPage, htmlTable } from './html.js';
import { ENDPOINT_PATHS } from './marketplace-endpoints.js';
import { renderProvisionings } from './marketplace-page.js';
import type { Endpoint, SandboxState } from './state.js';

// Per endpoint: its heading, what one call is called, and the body fields shown.
const SECTIONS: readonly { endpoint: Endpoint; heading: string; noun: string; fields: string[] }[] =
  [
    {
      endpoint: 'SaasTrackings',
      heading: 'Purchases received by the marketplace sandbox',
      noun: 'purchase(s)',
      fields: ['partnerKey', 'serviceName', 'customerId', 'purchasedAt'],
    },
    {
      endpoint: 'start-billing',
      heading: 'Billing starts',
      noun: 'start-billing call(s)',
      fields: ['providerKey', 'customerId', 'provisioningId', 'productId', 'productSkus'],
    },
    {
      endpoint: 'saas-usage',
      heading: 'Usage reports',
      noun: 'usage report(s)',
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
      noun: 'termination(s)',
      fields: ['providerKey', 'customerId', 'provisioningId', 'productId', 'productSkus'],
    },
    {
      endpoint: 'update-subscription',
      heading: 'Subscription updates (v1)',
      noun: 'update(s)',
      fields: ['coid', 'expired', 'expired-date', 'sku', 'count', 'providerkey'],
    },
  ];

/** The sandbox's HTML page: the calls it received, per endpoint, and the Buy attempts. */
export function renderSandboxPage(state: SandboxState): string {
  const sections = SECTIONS.map(({ endpoint, heading, noun, fields }) => {
    const calls = state.calls.filter((call) => call.endpoint === endpoint);
    // The SaasTrackings ids predate the other sections; tests and scripts rely on them.
    const countId = endpoint === 'SaasTrackings' ? 'count' : `count-${endpoint}`;
    const rows = calls.map(({ id, receivedAt, body }) => [
      id,
      receivedAt,
      ...fields.map((field) => body[field]),
    ]);
    return `<section id="calls-${endpoint}">
<h2>${heading}</h2>
<p><code>POST ${ENDPOINT_PATHS[endpoint]}</code></p>
<p id="${countId}">${calls.length} ${noun} received.</p>
${htmlTable(['#', 'Received at', ...fields], rows)}
</section>`;
  });
  return htmlPage(
    'Marketplace sandbox',
    `<h1>Marketplace sandbox</h1>
<p>Buy a product as a marketplace customer would: <a href="/marketplace">marketplace page</a>.</p>
${sections.join('\n')}
${renderProvisionings(state.provisionings)}`,
    2,
  );
}
