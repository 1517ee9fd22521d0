import { type BillingModel, modelName } from '../orders/billing-models.js';
import { parseSkuBilling } from '../orders/sku-billing-setting.js';

/** A product's `billing` (SKU → model, as `--sku` writes it) from models by SKU. */
export const billingOfModels = (
  models: ReadonlyMap<string, BillingModel>,
): Record<string, string> =>
  Object.fromEntries([...models].map(([sku, model]) => [sku, modelName(model)]));

/**
 * A product's `billing` from a `CLM_SKU_BILLING` value, read by the collector's own parser so
 * the marketplace and the collector start each SKU alike. Throws a TypeError naming every
 * problem, in the collector's words.
 */
export function billingOfSetting(text: string | undefined): Record<string, string> {
  const read = parseSkuBilling(text ?? '');
  if (!read.ok) {
    throw new TypeError(read.problems.map((problem) => `CLM_SKU_BILLING ${problem}`).join('; '));
  }
  return billingOfModels(read.models);
}
