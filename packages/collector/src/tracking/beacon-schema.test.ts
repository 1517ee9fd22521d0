import { describe, expect, it } from 'vitest';
import { parseBeacon } from './beacon-schema.js';

const visit = {
  v: 1,
  type: 'visit',
  id: 'evt_12345678',
  key: 'PK-123',
  service: 'acme-crm',
  ref: { id: 'r-1', at: 1_700_000_000_000, utm: { source: 'marketplace' } },
  time: 1_700_000_000_500,
};
const purchase = { ...visit, type: 'purchase', id: 'evt_abcdefgh', customerId: 'cust-42' };

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
    ['an unknown referral field', { ...visit, ref: { ...visit.ref, x: 1 } }, 'ref'],
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
      'a 257-char customer id',
      { ...purchase, customerId: 'x'.repeat(257) },
      'customerId: must be at most 256',
    ],
    [
      'a customer id with a newline',
      { ...purchase, customerId: 'a\nb' },
      'customerId: must not contain control',
    ],
    [
      'a customer id with a lone surrogate',
      { ...purchase, customerId: 'a\ud800b' },
      'customerId: must not contain control',
    ],
    [
      'a utm value with a control character',
      { ...visit, ref: { id: 'r', at: 0, utm: { source: 'a\u0000' } } },
      'utm values must not contain control',
    ],
    ['a visit with a customer id', { ...visit, customerId: 'c' }, 'Unrecognized key'],
    ['a numeric customer id', { ...purchase, customerId: 42 }, 'customerId: is required'],
    ['an empty referral id', { ...visit, ref: { id: '', at: 0 } }, 'ref.id: must not be empty'],
    [
      'a 129-char referral id',
      { ...visit, ref: { id: 'r'.repeat(129), at: 0 } },
      'ref.id: must be at most 128',
    ],
    [
      '11 utm entries',
      {
        ...visit,
        ref: { id: 'r', at: 0, utm: Object.fromEntries([...'abcdefghijk'].map((k) => [k, 'x'])) },
      },
      'ref.utm: at most 10',
    ],
    [
      'an uppercase utm key',
      { ...visit, ref: { id: 'r', at: 0, utm: { Source: 'x' } } },
      'utm keys',
    ],
    [
      'a long utm value',
      { ...visit, ref: { id: 'r', at: 0, utm: { source: 'x'.repeat(257) } } },
      'utm values',
    ],
    ['a fractional time', { ...visit, time: 1.5 }, 'time: must be an integer'],
    ['a string time', { ...visit, time: '1' }, 'time: must be a number'],
    [
      'a negative referral time',
      { ...visit, ref: { id: 'r', at: -1 } },
      'ref.at: must not be negative',
    ],
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
});
