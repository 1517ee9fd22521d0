import { describe, expect, it } from 'vitest';
import { type PurchaseDefaults, parsePurchaseRequest } from './purchase-request.js';

const NOW = Date.parse('2025-03-01T12:00:00Z');
const one: PurchaseDefaults = { partnerKeys: ['PK-1'], serviceName: 'acme-crm', now: NOW };
const two: PurchaseDefaults = { ...one, partnerKeys: ['PK-1', 'PK-2'] };

const parse = (body: unknown, defaults = one) =>
  parsePurchaseRequest(typeof body === 'string' ? body : JSON.stringify(body), defaults);

describe('parsePurchaseRequest', () => {
  it('fills in the only provider key, CLM_SERVICE_NAME and the receipt time', () => {
    expect(parse({ customerId: 'cust-1' })).toEqual({
      ok: true,
      purchase: {
        partnerKey: 'PK-1',
        serviceName: 'acme-crm',
        customerId: 'cust-1',
        purchasedAt: NOW,
        referral: null,
      },
    });
  });

  it('takes what the body names and keeps the referral the pixel captured', () => {
    const parsed = parse(
      {
        customerId: 'cust-1',
        partnerKey: 'PK-2',
        serviceName: 'acme-erp',
        purchasedAt: '2025-03-01T13:30:00+02:00',
        referral: { id: 'R-7', at: 1_700_000_000_000, utm: { source: 'mp' } },
      },
      two,
    );
    expect(parsed).toMatchObject({
      ok: true,
      purchase: {
        partnerKey: 'PK-2',
        serviceName: 'acme-erp',
        purchasedAt: Date.parse('2025-03-01T11:30:00Z'),
        referral: { id: 'R-7', at: 1_700_000_000_000, utm: { source: 'mp' } },
      },
    });
  });

  it('dates a referral without a time at receipt, and takes null for none', () => {
    expect(parse({ customerId: 'c', referral: { id: 'R-1' } })).toMatchObject({
      purchase: { referral: { id: 'R-1', at: NOW } },
    });
    expect(parse({ customerId: 'c', referral: null })).toMatchObject({
      purchase: { referral: null },
    });
  });

  it('cleans the customer id as the pixel does, so both name one customer', () => {
    expect(parse({ customerId: '\ufeffcust\u200b-1\u0000' })).toMatchObject({
      purchase: { customerId: 'cust-1' },
    });
    expect(parse({ customerId: 'cafe\u0301' })).toMatchObject({
      purchase: { customerId: 'caf\u00e9' },
    });
  });

  it('keeps the purchase and drops a referral it cannot use, saying why', () => {
    const utm = Object.fromEntries([...'abcdefghijk'].map((key) => [key, 'x']));
    expect(parse({ customerId: 'c', referral: { id: 'R', x: 1 } })).toEqual({
      ok: true,
      purchase: expect.objectContaining({ customerId: 'c', referral: null }),
      referralDropped: 'referral: unknown field',
    });
    expect(parse({ customerId: 'c', referral: { id: 'R', utm } })).toMatchObject({
      ok: true,
      purchase: { referral: null },
      referralDropped: 'referral.utm: at most 10 utm entries',
    });
    expect(parse({ customerId: 'c', referral: { id: 'R\u0007', utm: { m: 'a\nb' } } })).toEqual({
      ok: true,
      purchase: expect.objectContaining({ referral: { id: 'R', at: NOW, utm: { m: 'ab' } } }),
    });
  });

  it('accepts a purchase up to five minutes ahead of the collector clock', () => {
    expect(parse({ customerId: 'c', purchasedAt: '2025-03-01T12:05:00Z' }).ok).toBe(true);
  });

  it.each([
    ['not JSON', '{', 'body is not valid JSON'],
    ['an array', '[]', 'body must be a JSON object'],
    ['null', 'null', 'body must be a JSON object'],
    ['no customer', {}, 'customerId: is required'],
    ['an empty customer', { customerId: '' }, 'customerId: must not be empty'],
    ['an unknown field', { customerId: 'c', plan: 'gold' }, 'Unrecognized key: "plan"'],
    ['a service with a space', { customerId: 'c', serviceName: 'a b' }, 'serviceName: must be'],
    [
      'a time without zone',
      { customerId: 'c', purchasedAt: '2025-03-01T12:00:00' },
      'purchasedAt: must be an ISO-8601',
    ],
    [
      'a date only',
      { customerId: 'c', purchasedAt: '2025-03-01' },
      'purchasedAt: must be an ISO-8601',
    ],
    ['an epoch number', { customerId: 'c', purchasedAt: NOW }, 'purchasedAt: must be an ISO-8601'],
    [
      'a typo year',
      { customerId: 'c', purchasedAt: '0205-03-01T12:00:00Z' },
      'purchasedAt: must not be before 2000',
    ],
    [
      'a time too far ahead',
      { customerId: 'c', purchasedAt: '2025-03-01T12:05:01Z' },
      'purchasedAt: must not be more than 5 minutes in the future',
    ],
    [
      'a customer id of nothing but invisible characters',
      { customerId: '\u200b\u202e' },
      'customerId: must not be empty',
    ],
  ])('refuses %s with 400', (_name, body, error) => {
    const parsed = parse(body);
    expect(parsed).toMatchObject({ ok: false, status: 400 });
    expect(parsed.ok || parsed.error).toContain(error);
  });

  it('needs a partnerKey when several are configured, and only a configured one', () => {
    expect(parse({ customerId: 'c' }, two)).toEqual({
      ok: false,
      status: 400,
      error: 'partnerKey: is required when CLM_PARTNER_KEYS lists more than one key',
    });
    expect(parse({ customerId: 'c', partnerKey: 'PK-9' }, two)).toEqual({
      ok: false,
      status: 403,
      error: 'unknown provider key',
    });
    expect(parse({ customerId: 'c', partnerKey: 'PK-9' })).toMatchObject({ status: 403 });
  });

  it('refuses a service outside CLM_SERVICE_NAMES with 403', () => {
    const only = { ...one, serviceNames: ['acme-crm', 'acme-erp'] };
    expect(parse({ customerId: 'c', serviceName: 'acme-erp' }, only).ok).toBe(true);
    expect(parse({ customerId: 'c', serviceName: 'other' }, only)).toEqual({
      ok: false,
      status: 403,
      error: 'unknown service name',
    });
  });

  it('needs a serviceName when CLM_SERVICE_NAME is unset', () => {
    expect(parse({ customerId: 'c' }, { ...one, serviceName: null })).toEqual({
      ok: false,
      status: 400,
      error: 'serviceName: is required (CLM_SERVICE_NAME is not set)',
    });
  });
});
