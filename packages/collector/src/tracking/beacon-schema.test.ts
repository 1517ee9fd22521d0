import { describe, expect, it } from 'vitest';
import { beacon, beaconId } from '../test-support/beacons.js';
import { parseBeacon } from './beacon-schema.js';

const ref = { id: 'r-1', at: 1_700_000_000_000, utm: { source: 'marketplace' } };
const visit = beacon({ type: 'visit', key: 'PK-123', ref, time: 1_700_000_000_500 });
const purchase = { ...visit, type: 'purchase', id: beaconId(), customerId: 'cust-42' };

const parse = (value: unknown) => parseBeacon(JSON.stringify(value));

describe('parseBeacon', () => {
  it.each([
    ['a visit', visit],
    ['a purchase', purchase],
    ['a purchase without referral', { ...purchase, ref: null }],
    ['a purchase with ref absent', { ...purchase, ref: undefined }],
    ['a referral without utm', { ...visit, ref: { id: 'r', at: 0 } }],
    [
      '10 utm entries',
      {
        ...visit,
        ref: { id: 'r', at: 0, utm: Object.fromEntries([...'abcdefghij'].map((k) => [k, 'x'])) },
      },
    ],
    ['a 64-char id', { ...visit, id: 'a'.repeat(64) }],
    ['a 256-char customer id with unicode', { ...purchase, customerId: `é${'x'.repeat(255)}` }],
    ['punctuation in key', { ...visit, key: '!~{}' }],
  ])('accepts %s', (_name, value) => {
    expect(parse(value)).toMatchObject({ ok: true });
  });

  it.each([
    ['no version', { ...visit, v: undefined }, 'v: '],
    ['version 2', { ...visit, v: 2 }, 'v: unsupported beacon version'],
    ['an unknown type', { ...visit, type: 'click' }, 'type: must be "visit" or "purchase"'],
    ['an unknown field', { ...visit, extra: 1 }, 'Unrecognized key'],
    ['a short id', { ...visit, id: 'abc' }, 'id: must be 8-64'],
    ['an id with dots', { ...visit, id: 'abc.defgh' }, 'id: must be 8-64'],
    ['an empty key', { ...visit, key: '' }, 'key: must be 1-128'],
    ['a key with a space', { ...visit, key: 'PK 1' }, 'key: must be 1-128'],
    ['a 129-char service', { ...visit, service: 's'.repeat(129) }, 'service: must be 1-128'],
    [
      'a purchase without customer id',
      { ...purchase, customerId: undefined },
      'customerId: is required',
    ],
    ['an empty customer id', { ...purchase, customerId: '' }, 'customerId: must not be empty'],
    [
      'a customer id of nothing but invisible characters',
      { ...purchase, customerId: '\u200b\u0000\u202e' },
      'customerId: must not be empty',
    ],
    [
      'a customer id over 256 units once cleaned',
      { ...purchase, customerId: `${'x'.repeat(257)}\u200b` },
      'customerId: must be at most 256',
    ],
    [
      'a 257-char customer id',
      { ...purchase, customerId: 'x'.repeat(257) },
      'customerId: must be at most 256',
    ],
    ['a visit with a customer id', { ...visit, customerId: 'c' }, 'Unrecognized key'],
    ['a numeric customer id', { ...purchase, customerId: 42 }, 'customerId: is required'],
    ['a fractional time', { ...visit, time: 1.5 }, 'time: must be an integer'],
    ['a string time', { ...visit, time: '1' }, 'time: must be a number'],
  ])('rejects %s', (_name, value, error) => {
    const result = parse(value);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toContain(error);
  });

  it.each([
    ['not json', '{'],
    ['an array', '[]'],
    ['null', 'null'],
    ['a string', '"x"'],
  ])('rejects %s', (_name, text) => {
    expect(parseBeacon(text).ok).toBe(false);
  });

  it('reports bad JSON plainly', () => {
    expect(parseBeacon('{"v":1,')).toEqual({ ok: false, error: 'body is not valid JSON' });
  });
  it.each([
    ['a newline', 'a\nb', 'ab'],
    ['a lone surrogate', 'a\ud800b', 'ab'],
    ['a zero-width space and a bidi override', '\u200bcust\u202e-1', 'cust-1'],
    ['a BOM', '\ufeffcust-1', 'cust-1'],
    ['decomposed accents (NFD)', 'cafe\u0301', 'caf\u00e9'],
    ['a whole surrogate pair, kept', 'cust-\u{1f600}', 'cust-\u{1f600}'],
  ])('cleans a customer id with %s as the pixel does', (_name, customerId, clean) => {
    expect(parse({ ...purchase, customerId })).toMatchObject({
      ok: true,
      beacon: { customerId: clean },
    });
  });

  it('cleans the referral id and utm values as the pixel does', () => {
    const ref = { id: 'R-\u200b42\u0007', at: 1, utm: { medium: 'a\nb', term: 'cafe\u0301' } };
    expect(parse({ ...purchase, ref })).toEqual({
      ok: true,
      beacon: { ...purchase, ref: { id: 'R-42', at: 1, utm: { medium: 'ab', term: 'caf\u00e9' } } },
    });
  });

  it.each([
    ['an unknown referral field', { ...ref, x: 1 }, 'ref: unknown field'],
    ['an empty referral id', { id: '\u200b', at: 0 }, 'ref.id: must not be empty'],
    ['a 129-char referral id', { id: 'r'.repeat(129), at: 0 }, 'ref.id: must be at most 128'],
    [
      '11 utm entries',
      { id: 'r', at: 0, utm: Object.fromEntries([...'abcdefghijk'].map((k) => [k, 'x'])) },
      'ref.utm: at most 10',
    ],
    ['an uppercase utm key', { id: 'r', at: 0, utm: { Source: 'x' } }, 'ref.utm: utm keys'],
    [
      'a long utm value',
      { id: 'r', at: 0, utm: { source: 'x'.repeat(257) } },
      'ref.utm: utm values',
    ],
    ['a negative referral time', { id: 'r', at: -1 }, 'ref.at: must not be negative'],
    ['a string', 'R-1', 'ref: must be an object'],
    [
      'deep nesting',
      JSON.parse(`${'{"a":'.repeat(50)}1${'}'.repeat(50)}`),
      'ref.id: must be a string',
    ],
  ])('keeps a purchase and drops %s', (_name, ref, reason) => {
    const result = parse({ ...purchase, ref });
    expect(result).toMatchObject({ ok: true, beacon: { customerId: 'cust-42', ref: null } });
    expect(result.ok && result.referralDropped).toContain(reason);
  });

  it('names the utm field of a dropped referral without repeating its key or value', () => {
    const result = parse({ ...visit, ref: { id: 'r', at: 0, utm: { '\u0007BAD': 'secret' } } });
    expect(result).toMatchObject({ ok: true, beacon: { ref: null } });
    const reason = result.ok ? (result.referralDropped ?? '') : '';
    expect(reason).not.toContain('BAD');
    expect(reason).not.toContain('secret');
  });
});
