import { createHash } from 'node:crypto';
import { LosslessNumber } from 'lossless-json';
import { parseExact } from '../exact-json.js';

// One text per value whatever the key order: keys sorted, numbers as written.
function canonical(value: unknown): string {
  if (value instanceof LosslessNumber) return value.value;
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * SHA-256 (hex) of what makes an order: the request's fields, whatever their key order or
 * spacing, `productSkus` as a set (the order a marketplace lists SKUs in changes nothing
 * billed), other values as written (`1.0` and `1` differ). Two requests with one digest
 * are the same order. Only the digest is kept: the body holds personal data.
 *
 * @param text - the request body, already checked to be a JSON object
 */
export function orderDigest(text: string): string {
  const fields = parseExact(text) as Record<string, unknown>;
  const skus = fields.productSkus;
  const request = Array.isArray(skus) ? { ...fields, productSkus: [...skus].sort() } : fields;
  return createHash('sha256').update(canonical(request)).digest('hex');
}
