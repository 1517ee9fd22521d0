import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { beacon as pixelBeacon } from '../test-support/beacons.js';
import { checkBeacon } from './beacon-check.js';
import { parseBeacon, parseWithSchema } from './beacon-schema.js';

const RUNS = Number(process.env.CLM_FUZZ_RUNS ?? 3000);

// Values near every rule's edges, and some of the wrong type.
const text = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.string({ unit: 'binary', maxLength: 10 }),
  fc.constantFrom('', ' ', 'evt_12345678', 'x'.repeat(64), 'x'.repeat(65), 'PK-1', 'a b'),
  fc.constantFrom('\u200b', 'a\u0000b', 'cafe\u0301', '\ud800', '\ufeffx', 'x'.repeat(128)),
  fc.integer({ min: 120, max: 300 }).map((n) => 'y'.repeat(n)),
  fc.integer({ min: 250, max: 260 }).map((n) => `${'z'.repeat(n)}\u200b`),
);
const number = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -1, 1, 1.5, 2 ** 53, 2 ** 53 - 1, -0, 1e300),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const anything = fc.oneof(text, number, fc.boolean(), fc.constant(null), fc.constant([]));
const utmKey = fc.oneof(
  fc.stringMatching(/^[a-z_]{1,32}$/),
  fc.constantFrom('__proto__', 'constructor', 'Source', 'a'.repeat(33), ''),
  fc.string({ maxLength: 5 }),
);
const utm = fc.oneof(fc.dictionary(utmKey, fc.oneof(text, anything), { maxKeys: 12 }), anything);
const validRef = fc.record(
  {
    id: fc.oneof(fc.stringMatching(/^[\x21-\x7e]{1,20}$/), text),
    at: fc.oneof(fc.nat(), number),
    utm: fc.oneof(
      fc.dictionary(fc.stringMatching(/^[a-z_]{1,8}$/), fc.oneof(fc.string(), text), {
        maxKeys: 11,
      }),
      utm,
    ),
  },
  { requiredKeys: ['id', 'at'] },
);
const ref = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  validRef,
  validRef,
  anything,
  fc.record({ id: text, at: number, utm, extra: anything }, { requiredKeys: [] }),
);
const field = fc.constantFrom('v', 'type', 'id', 'key', 'service', 'customerId', 'ref', 'time');
// A beacon as the pixel sends it, then none to three of its fields changed or left out.
const beacon = fc
  .record({
    type: fc.constantFrom('visit', 'purchase'),
    id: fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
    key: fc.stringMatching(/^[\x21-\x7e]{1,128}$/),
    service: fc.constant('acme-crm'),
    customerId: fc.oneof(fc.stringMatching(/^[\x20-\x7e]{1,40}$/), text),
    ref,
    time: fc.nat(),
    changes: fc.oneof(
      { arbitrary: fc.constant([]), weight: 2 },
      {
        arbitrary: fc.array(
          fc.tuple(field, fc.oneof(anything, text, number, fc.constant(undefined))),
          { minLength: 1, maxLength: 3 },
        ),
        weight: 3,
      },
    ),
    extra: fc.oneof(
      { arbitrary: fc.constant(null), weight: 8 },
      { arbitrary: fc.tuple(fc.string({ maxLength: 8 }), anything), weight: 1 },
    ),
  })
  .map(({ type, customerId, changes, extra, ...rest }) => {
    const value: Record<string, unknown> = {
      v: 1,
      type,
      ...rest,
      ...(type === 'purchase' && { customerId }),
    };
    for (const [name, changed] of changes) value[name] = changed;
    if (extra) value[extra[0]] = extra[1];
    return value;
  });

describe('the hand-written beacon check', () => {
  it(`gives what the schema gives, for ${RUNS} beacons near every rule's edge`, () => {
    let taken = 0;
    fc.assert(
      fc.property(beacon, (value) => {
        const json = JSON.stringify(value);
        if (checkBeacon(JSON.parse(json))) taken++;
        // Key order matters too: the referral is stored as JSON text.
        expect(JSON.stringify(parseBeacon(json))).toBe(
          JSON.stringify(parseWithSchema(JSON.parse(json))),
        );
      }),
      { numRuns: RUNS },
    );
    // The property means little unless the check takes a fair share of them.
    expect(taken).toBeGreaterThan(RUNS / 10);
  }, 120_000);

  it('takes what the pixel sends', () => {
    const ref = { id: 'r-1', at: 1, utm: { source: 'marketplace' } };
    expect(checkBeacon(pixelBeacon({ ref, time: 2 }))).toBeDefined();
    expect(checkBeacon(pixelBeacon({ type: 'visit', ref, time: 2 }))).toBeDefined();
  });
});
