import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { CHAIN_TOKENS, startChain } from './chain.js';
import {
  PROVIDER_SECRET,
  type ProviderAnswer,
  type ProviderCall,
  startProvider,
} from './provider.js';

/** The marketplace's bearer token for the orders chain's provisioning endpoint. */
export const PROVISION_TOKEN = 'chain-provision-token-0123';

/** A provisioning body as the marketplace sends it (seed 002's example fields). */
export function provisionBody(overrides: Record<string, unknown> = {}) {
  return {
    provisioningId: randomUUID(),
    productSkus: ['MRKTPLC-ACME-CRM-SEATS'],
    productId: 123,
    contactEmail: 'buyer@customer.example',
    userAlias: 'ABCD',
    ...overrides,
  };
}

/**
 * The relay chain (collector + sandbox marketplace) with provisioning configured and a
 * test provider behind it; helpers speak the marketplace's and the provider API's calls.
 */
export async function startOrdersChain(
  options: {
    answer?: (call: ProviderCall, index: number) => ProviderAnswer;
    env?: Record<string, string>;
    clock?: Clock;
  } = {},
) {
  const provider = await startProvider(options.answer);
  const chain = await startChain(
    {},
    {
      CLM_PROVISION_TOKEN: PROVISION_TOKEN,
      CLM_PROVISION_FORWARD_URL: provider.url,
      CLM_PROVISION_FORWARD_SECRET: PROVIDER_SECRET,
      ...options.env,
    },
    options.clock ? { clock: options.clock } : {},
  );
  // An order the collector provisioned is one the marketplace knows: the sandbox learns it
  // as its Buy page would have, so later provider calls about it are accepted.
  const remember = async (body: unknown, res: Response) => {
    const answer = (await res.clone().json()) as { customerId?: string; coid?: string };
    const order = (typeof body === 'string' ? JSON.parse(body) : body) as Record<string, unknown>;
    const v1 = chain.config.marketplace.api === 'v1';
    const registered = await fetch(`${chain.onramp}/_sandbox/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        v1
          ? { customerId: answer.coid, productSkus: chain.config.marketplace.v1Skus }
          : {
              provisioningId: order.provisioningId,
              customerId: answer.customerId,
              productId: order.productId,
              productSkus: order.productSkus,
            },
      ),
    });
    if (!registered.ok) throw new Error(`sandbox order: ${registered.status}`);
  };
  // A string body is sent as written (numbers with more digits than a double keeps).
  const provision = async (body: unknown, token = PROVISION_TOKEN) => {
    const res = await fetch(`${chain.url}/marketplace/provision`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    if (res.status === 200 || res.status === 201) await remember(body, res);
    return res;
  };
  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${chain.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${CHAIN_TOKENS.api}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && {
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    });
  return {
    ...chain,
    provider,
    /** Sends a provisioning request as the marketplace does (which then knows the order). */
    provision,
    api,
    /** Creates an order through provisioning; resolves with its provisioningId. */
    order: async (overrides: Record<string, unknown> = {}) => {
      const body = provisionBody(overrides);
      const res = await provision(body);
      if (res.status !== 200) throw new Error(`provisioning: ${res.status} ${await res.text()}`);
      return body.provisioningId;
    },
    /** What the sandbox marketplace received on one endpoint, bodies only. */
    calls: async (endpoint: string) =>
      (
        (await (await fetch(`${chain.onramp}/_sandbox/calls?endpoint=${endpoint}`)).json()) as {
          body: Record<string, unknown>;
        }[]
      ).map((call) => call.body),
  };
}
