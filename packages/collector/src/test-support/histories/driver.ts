import type { Fault, FaultPath } from './steps.js';
import { type HistorySystem, TOKENS } from './system.js';

/** An HTTP answer: status and parsed JSON body (null when none). */
export interface Answer {
  status: number;
  body: unknown;
}

async function call(url: string, init: RequestInit): Promise<Answer> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
}

/** The calls a history makes to the collector and the marketplace, as their clients do. */
export function driver(system: HistorySystem) {
  const api = (path: string, body?: string) =>
    call(`${system.url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKENS.api}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body }),
    });
  return {
    /** The marketplace's provisioning call, as the sandbox's Buy sends it. */
    provision: (provisioningId: string, productSkus: string[]) =>
      call(`${system.url}/marketplace/provision`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${TOKENS.provision}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          provisioningId,
          productSkus,
          productId: 123,
          contactEmail: 'buyer@customer.example',
          userAlias: 'ABCD',
        }),
      }),
    /** Enters an order the collector provisioned in the marketplace's books. */
    register: (provisioningId: string, customerId: string, productSkus: string[]) =>
      call(`${system.marketplace}/_sandbox/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ provisioningId, customerId, productId: 123, productSkus }),
      }),
    /** `POST /api/usage` with a body written by hand (quantities keep their digits). */
    usage: (text: string) => api('/api/usage', text),
    start: (provisioningId: string, productSkus?: string[]) =>
      api(
        '/api/billing/start',
        JSON.stringify({ provisioningId, ...(productSkus && { productSkus }) }),
      ),
    terminate: (provisioningId: string, productSkus?: string[]) =>
      api(
        `/api/subscriptions/${encodeURIComponent(provisioningId)}/terminate`,
        productSkus && JSON.stringify({ productSkus }),
      ),
    /** Sets the sandbox's failure mode for the next `count` calls. */
    sandboxMode: async (
      fault: Exclude<Fault, 'refuse' | 'cut' | 'lateAnswer'>,
      path: FaultPath,
      count: number,
    ) => {
      const endpoint = path === null ? undefined : ENDPOINT_OF[path];
      const mode =
        fault === 'fail503' || fault === 'fail429'
          ? { mode: 'fail', status: fault === 'fail503' ? 503 : 429 }
          : { mode: fault };
      const answer = await call(`${system.marketplace}/_sandbox/mode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...mode, count, ...(endpoint && { endpoint }) }),
      });
      if (answer.status !== 200) throw new Error(`sandbox mode: ${JSON.stringify(answer)}`);
    },
  };
}

const ENDPOINT_OF = {
  '/saas-usage/': 'saas-usage',
  '/start-billing/': 'start-billing',
  '/saas-usage/end': 'saas-usage-end',
} as const;
