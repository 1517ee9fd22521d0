import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { orderDigests } from './order-digest.js';

const KEY = 'ab'.repeat(32);
const BODY = '{"name":"Jo Buyer","email":"jo@customer.example","resellerkey":"RK-1"}';
// The canonical form: keys sorted, no spacing.
const CANONICAL = '{"email":"jo@customer.example","name":"Jo Buyer","resellerkey":"RK-1"}';

describe('orderDigests', () => {
  it('keys the digest: a guess of the details cannot be checked without the database key', () => {
    const { digest, legacy } = orderDigests(BODY, KEY);
    expect(digest).toBe(createHmac('sha256', KEY).update(CANONICAL).digest('hex'));
    expect(digest).not.toBe(createHash('sha256').update(CANONICAL).digest('hex'));
    expect(orderDigests(BODY, 'cd'.repeat(32)).digest).not.toBe(digest);
    // What rows stored before the key carry, so their repeats are still recognised.
    expect(legacy).toBe(createHash('sha256').update(CANONICAL).digest('hex'));
  });

  it('is the same whatever the key order or spacing, and the SKUs as a set', () => {
    const a = orderDigests('{"productSkus":["B","A"],"productId":1, "x":1.0}', KEY);
    const b = orderDigests('{"x":1.0,"productId":1,"productSkus":["A","B"]}', KEY);
    expect(a).toEqual(b);
    expect(orderDigests('{"productSkus":["A","B"],"productId":1,"x":1}', KEY)).not.toEqual(a);
  });
});
