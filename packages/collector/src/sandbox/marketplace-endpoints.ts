import { Router } from 'express';
import type { EndpointSpec } from './endpoint.js';
import { endpointRouter } from './endpoint.js';
import {
  saasUsageEndSchema,
  saasUsageSchema,
  startBillingSchema,
  trackingSchema,
  updateSubscriptionSchema,
} from './schemas.js';
import type { Endpoint, SandboxState } from './state.js';
import { startBillingEntry, updateSubscriptionEntry, usageEndEntry, usageEntry } from './strict.js';

// Seed 002's 40x answers of each endpoint, word for word (its double spaces included).
const INVALID = {
  startBilling:
    'Invalid Input - provisioningId, customerId, providerKey, productId, and productSkus required.  productId must be an integer',
  usage:
    'Invalid Input - provisioningId, customerId, providerKey, productId, and productSku required.  productId must be an integer and usageCount must be a number (float | decimal | integer)',
  usageEnd:
    'Invalid Input - provisioningId, customerId, providerKey, productId, and productSkus required.',
  // Seed 003's 40x of /update-subscription/.
  updateSubscription: 'Account Provisioning Failure',
};

// The seed's success statuses, as JSON a client can log.
const SPECS: readonly EndpointSpec[] = [
  {
    name: 'SaasTrackings',
    path: '/api/SaasTrackings',
    schema: trackingSchema,
    subject: 'tracking',
    answer: (id) => ({ id }),
  },
  {
    name: 'start-billing',
    path: '/start-billing/',
    schema: startBillingSchema,
    subject: 'start-billing',
    answer: (id) => ({ id, status: 'billing started' }),
    invalid: INVALID.startBilling,
    books: startBillingEntry,
  },
  {
    name: 'saas-usage',
    path: '/saas-usage/',
    schema: saasUsageSchema,
    subject: 'usage',
    answer: (id) => ({ id, status: 'usage successfully added' }),
    invalid: INVALID.usage,
    books: usageEntry,
  },
  {
    name: 'saas-usage-end',
    path: '/saas-usage/end',
    schema: saasUsageEndSchema,
    subject: 'termination',
    answer: (id) => ({ id, status: 'termination notification received' }),
    invalid: INVALID.usageEnd,
    books: usageEndEntry,
  },
  {
    name: 'update-subscription',
    path: '/update-subscription/',
    schema: updateSubscriptionSchema,
    subject: 'subscription update',
    status: 201,
    answer: (id) => ({ id, status: 'subscription successfully updated' }),
    invalid: INVALID.updateSubscription,
    books: updateSubscriptionEntry,
  },
];

/** The documented path of each endpoint, for pages and logs. */
export const ENDPOINT_PATHS = Object.fromEntries(
  SPECS.map((spec) => [spec.name, spec.path]),
) as Record<Endpoint, string>;

/**
 * The marketplace endpoints: `POST /api/SaasTrackings`, `/start-billing/`, `/saas-usage/`,
 * `/saas-usage/end` and v1's `/update-subscription/`, each validated like the real one and
 * subject to the current mode.
 */
export function marketplaceRouter(state: SandboxState): Router {
  const router = Router();
  for (const spec of SPECS) router.use(endpointRouter(state, spec));
  return router;
}
