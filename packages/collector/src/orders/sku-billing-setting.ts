import { skuSchema } from '../order-ids.js';
import { type BillingModel, MODEL_NAMES, parseBillingModel } from './billing-models.js';

// One `SKU=model` entry; the SKU is cut at the last `=`, since no model contains one.
function readEntry(entry: string): { sku: string; model: BillingModel } | string {
  const at = entry.lastIndexOf('=');
  if (at < 0) return `"${entry}" is not SKU=model`;
  const sku = entry.slice(0, at).trim();
  const valid = skuSchema.safeParse(sku);
  if (!valid.success) return `"${entry}": ${valid.error.issues[0]?.message ?? 'invalid SKU'}`;
  const model = parseBillingModel(entry.slice(at + 1));
  if (model === null)
    return `"${entry}": the model of ${sku} must be ${MODEL_NAMES}, not "${entry.slice(at + 1).trim()}"`;
  return { sku, model };
}

/**
 * Reads `CLM_SKU_BILLING`: comma-separated `SKU=manual|immediate|delay:Nd|next-month`.
 * Answers the models by SKU, or every problem found (an entry without `=`, a SKU the
 * marketplace could not name, an unknown model or delay, a SKU given twice).
 */
export function parseSkuBilling(
  text: string,
): { ok: true; models: Map<string, BillingModel> } | { ok: false; problems: string[] } {
  const models = new Map<string, BillingModel>();
  const problems: string[] = [];
  const entries = text.split(',').filter((entry) => entry.trim() !== '');
  for (const entry of entries.map((item) => item.trim())) {
    const read = readEntry(entry);
    if (typeof read === 'string') problems.push(read);
    else if (models.has(read.sku)) problems.push(`${read.sku} is listed twice`);
    else models.set(read.sku, read.model);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, models };
}
