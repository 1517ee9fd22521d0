import { z } from 'zod';
import type { MarketplaceApi } from '../outbox/kind.js';
import { ConfigError, type Env, parseEnv } from '../settings/env.js';
import { endpointUrl, int, oneOf, PRINTABLE, printableList } from '../settings/fields.js';
import { type BillingModel, type SkuBilling, skuBillingFor } from './billing-models.js';
import { parseSkuBilling } from './sku-billing-setting.js';

/** The orders' settings: provisioning, the marketplace API, the SKUs' billing models. */
export interface OrdersSettings {
  /** `providerKey` of v2 calls (`CLM_PROVIDER_KEY`, else the single partner key). */
  providerKey: string | null;
  /** `CLM_PROVISION_TOKEN`; null: no provisioning endpoint. */
  provisionToken: string | null;
  /** The provider's account-creation endpoint provisioning requests are forwarded to. */
  forwardUrl: string | null;
  /** Signs what is forwarded (HMAC-SHA256). */
  forwardSecret: string | null;
  /** Give up on the provider's endpoint after this many ms (the buyer is waiting). */
  forwardTimeoutMs: number;
  /** Which marketplace API the provider is on (`CLM_MARKETPLACE_API`). */
  api: 'v2' | 'v1';
  /** v1: the product's SKUs, which each order subscribes to (`CLM_V1_SKUS`). */
  v1Skus: readonly string[];
  /**
   * Each SKU's billing start as `CLM_SKU_BILLING` lists it (unlisted: manual). Ignored
   * under v1, which has no billing start (see `skuBillingFor`).
   */
  skuBilling: ReadonlyMap<string, BillingModel>;
}

const skuBilling = z
  .string()
  .transform((value, ctx) => {
    const read = parseSkuBilling(value);
    if (read.ok) return read.models;
    for (const problem of read.problems) ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  })
  .optional();

/** The provider key of v2 calls. */
export const providerKeyVariable = {
  CLM_PROVIDER_KEY: z
    .string()
    .regex(PRINTABLE, { error: 'must be 1-128 printable characters' })
    .optional(),
};

/** The provisioning variables (the token itself is among the collector's secrets). */
export const provisionVariables = {
  CLM_PROVISION_FORWARD_URL: endpointUrl.optional(),
  CLM_PROVISION_FORWARD_SECRET: z
    .string()
    .min(16, { error: 'must be at least 16 characters' })
    .optional(),
  CLM_PROVISION_TIMEOUT_MS: int(1, 120_000, 20_000),
};

/** The marketplace API and what it bills. */
export const billingModelVariables = {
  CLM_MARKETPLACE_API: oneOf(['v2', 'v1']).default('v2'),
  CLM_V1_SKUS: printableList('SKU'),
  CLM_SKU_BILLING: skuBilling,
};

type OrdersEnv = z.output<
  z.ZodObject<typeof providerKeyVariable & typeof provisionVariables & typeof billingModelVariables>
> & { CLM_PARTNER_KEYS: readonly string[]; CLM_PROVISION_TOKEN?: string | undefined };

/**
 * The orders' settings from parsed variables. Throws a {@link ConfigError} when
 * provisioning is on and something it needs is missing.
 */
export function ordersSettings(e: OrdersEnv): OrdersSettings {
  const provision = e.CLM_PROVISION_TOKEN;
  const providerKey =
    e.CLM_PROVIDER_KEY ??
    (e.CLM_PARTNER_KEYS.length === 1 ? (e.CLM_PARTNER_KEYS[0] ?? null) : null);
  if (provision !== undefined) {
    const missing = [
      e.CLM_PROVISION_FORWARD_URL === undefined && 'CLM_PROVISION_FORWARD_URL',
      e.CLM_PROVISION_FORWARD_SECRET === undefined && 'CLM_PROVISION_FORWARD_SECRET',
      providerKey === null && 'CLM_PROVIDER_KEY (CLM_PARTNER_KEYS lists more than one key)',
      // A v1 order names no SKU: usage and termination need the product's.
      e.CLM_MARKETPLACE_API === 'v1' && e.CLM_V1_SKUS.length === 0 && 'CLM_V1_SKUS (under v1)',
    ].filter(Boolean);
    if (missing.length > 0)
      throw new ConfigError(
        `invalid configuration: CLM_PROVISION_TOKEN is set, so ${missing.join(' and ')} must be set too`,
      );
  }
  return {
    providerKey,
    provisionToken: provision ?? null,
    forwardUrl: e.CLM_PROVISION_FORWARD_URL ?? null,
    forwardSecret: e.CLM_PROVISION_FORWARD_SECRET ?? null,
    forwardTimeoutMs: e.CLM_PROVISION_TIMEOUT_MS,
    api: e.CLM_MARKETPLACE_API,
    v1Skus: e.CLM_V1_SKUS,
    skuBilling: e.CLM_SKU_BILLING ?? new Map(),
  };
}

/** Reads only `CLM_MARKETPLACE_API` (for what `clm-collector replay` names). */
export function loadMarketplaceApi(env: Env = process.env): MarketplaceApi {
  const { CLM_MARKETPLACE_API } = billingModelVariables;
  return parseEnv(z.object({ CLM_MARKETPLACE_API }), env).CLM_MARKETPLACE_API;
}

/**
 * Reads only `CLM_MARKETPLACE_API` and `CLM_SKU_BILLING`: the models in force (for
 * `clm-collector orders`). Throws a {@link ConfigError}.
 */
export function loadSkuBilling(env: Env = process.env): SkuBilling {
  const { CLM_MARKETPLACE_API, CLM_SKU_BILLING } = billingModelVariables;
  const e = parseEnv(z.object({ CLM_MARKETPLACE_API, CLM_SKU_BILLING }), env);
  return skuBillingFor(e.CLM_MARKETPLACE_API, e.CLM_SKU_BILLING);
}
