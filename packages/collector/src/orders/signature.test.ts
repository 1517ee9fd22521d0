import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signForward, verifyForwardSignature } from './signature.js';

const secret = 'forward-secret-0123456';
const body = '{"provisioningId":"p-1","productSkus":["A"],"productId":1}';

describe('forward signature', () => {
  it('is t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">, as the README tells providers', () => {
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(signForward(secret, 1_700_000_000, body)).toBe(`t=1700000000,v1=${expected}`);
  });

  it('verifies its own signature within the tolerance', () => {
    const header = signForward(secret, 1_700_000_000, body);
    expect(verifyForwardSignature({ secret, header, body, nowSeconds: 1_700_000_000 })).toBe(true);
    expect(verifyForwardSignature({ secret, header, body, nowSeconds: 1_700_000_299 })).toBe(true);
  });

  it.each([
    ['a changed body', signForward(secret, 1_700_000_000, body), `${body} `, 1_700_000_000],
    [
      'another secret',
      signForward('other-secret-0123456', 1_700_000_000, body),
      body,
      1_700_000_000,
    ],
    ['an old timestamp', signForward(secret, 1_700_000_000, body), body, 1_700_000_301],
    ['a missing header', undefined, body, 1_700_000_000],
    ['a header without v1', 't=1700000000', body, 1_700_000_000],
    [
      'a non-numeric time',
      signForward(secret, 1_700_000_000, body).replace('t=', 't=x'),
      body,
      1_700_000_000,
    ],
  ])('refuses %s', (_name, header, signedBody, nowSeconds) => {
    expect(verifyForwardSignature({ secret, header, body: signedBody, nowSeconds })).toBe(false);
  });
});
