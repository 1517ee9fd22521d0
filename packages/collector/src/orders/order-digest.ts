import { createHash, createHmac } from 'node:crypto';
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

/** The digests of one request: keyed, and as stored before the key (schema version 9). */
export interface OrderDigests {
  digest: string;
  legacy: string;
}

/**
 * HMAC-SHA256 (hex) under `secret` of what makes an order: the request's fields, whatever
 * their key order or spacing, `productSkus` as a set (the order a marketplace lists SKUs in
 * changes nothing billed), other values as written (`1.0` and `1` differ). Two requests
 * with one digest are the same order. Only the digest is kept: the body holds personal
 * data, and without the database's key (`OrdersStore.requestDigestKey`) a guess of a name
 * or e-mail cannot be checked against it. `legacy` is the plain SHA-256 rows stored before
 * that key carry, so their repeats are still recognised.
 *
 * @param text - the request body, already checked to be a JSON object
 * @param secret - the database's digest key
 */
export function orderDigests(text: string, secret: string): OrderDigests {
  const fields = parseExact(text) as Record<string, unknown>;
  const skus = fields.productSkus;
  const request = Array.isArray(skus) ? { ...fields, productSkus: [...skus].sort() } : fields;
  const form = canonical(request);
  return {
    digest: createHmac('sha256', secret).update(form).digest('hex'),
    legacy: createHash('sha256').update(form).digest('hex'),
  };
}
