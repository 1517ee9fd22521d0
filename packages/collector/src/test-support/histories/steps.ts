import fc from 'fast-check';

/** When a usage event says it occurred, relative to its receipt. */
export type OccurredAt =
  | 'omitted'
  | 'now'
  | 'hourAgo'
  | 'daysAgo'
  | 'lastMonth'
  /** Ahead of receipt within the skew allowed: read as receipt. */
  | 'skewAhead'
  /** Further ahead: refused. */
  | 'tooFarAhead';

/**
 * One usage event of a request. Orders and events are named by index into those the
 * history made so far (modulo their number), so a shrunk history still means something.
 */
export type UsageSpec =
  | { kind: 'new'; order: number; sku: number; quantity: string; at: OccurredAt }
  /** The same event again; `rewrite` writes its quantity with a trailing zero. */
  | { kind: 'repeat'; event: number; rewrite: boolean; omitAt: boolean }
  /** An eventId already used, for another quantity. */
  | { kind: 'conflict'; event: number }
  | { kind: 'foreignOrder'; quantity: string }
  | { kind: 'foreignSku'; order: number; quantity: string }
  | { kind: 'tooFine'; order: number; sku: number };

/** Where the clock goes: the next such instant of the Chicago month (or the next month). */
export type Mark =
  | 'beforeClose'
  | 'afterClose'
  | 'beforeBlackout'
  | 'blackoutStart'
  | 'inBlackout'
  /** 18:30 Chicago on the last day: inside the blackout in CDT months, after it in CST. */
  | 'lateBlackout'
  | 'afterBlackout'
  | 'nextMonth'
  | 'midMonth';

/** A marketplace fault for the next `count` calls. */
export type Fault = 'fail503' | 'fail429' | 'stall' | 'reject' | 'refuse' | 'cut' | 'lateAnswer';

/** A marketplace endpoint a fault applies to, or null for all. */
export type FaultPath = '/saas-usage/' | '/start-billing/' | '/saas-usage/end' | null;

/** One step of a history. */
export type Step =
  | { do: 'order'; skus: number }
  | { do: 'usage'; events: UsageSpec[] }
  | { do: 'start'; order: number; sku: number | null }
  | { do: 'terminate'; order: number; sku: number | null }
  | { do: 'closeEarly' }
  /**
   * The clock moves on; the collector runs all along (closing and sending at each close
   * and blackout end on the way) or, `down`, is stopped and started again there.
   */
  | { do: 'advance'; to: Mark | { minutes: number }; down: boolean }
  | { do: 'fault'; fault: Fault; path: FaultPath; count: number }
  | { do: 'restart' }
  | { do: 'operator' };

/** Months a history starts in: CST (December, January) and CDT (June, July) ones. */
export const START_MONTHS = ['2025-12', '2026-01', '2026-02', '2026-06', '2026-07', '2026-10'];

const index = fc.nat({ max: 7 });

/** A quantity as a provider writes it: up to 6 decimal places, now and then a huge one. */
export const quantityArb = fc
  .oneof(
    { weight: 6, arbitrary: fc.tuple(fc.nat({ max: 999 }), fc.nat({ max: 6 }), fc.nat()) },
    { weight: 1, arbitrary: fc.tuple(fc.nat({ max: 999_999_999 }), fc.constant(6), fc.nat()) },
  )
  .map(([whole, places, digits]) => {
    if (places === 0) return String(whole);
    const fraction = String(digits % 10 ** places).padStart(places, '0');
    return `${whole}.${fraction}`;
  });

const occurredAtArb = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.constantFrom<OccurredAt>(
      'omitted',
      'now',
      'hourAgo',
      'daysAgo',
      'lastMonth',
      'skewAhead',
    ),
  },
  { weight: 1, arbitrary: fc.constant<OccurredAt>('tooFarAhead') },
);

const usageSpecArb: fc.Arbitrary<UsageSpec> = fc.oneof(
  {
    weight: 16,
    arbitrary: fc.record({
      kind: fc.constant('new' as const),
      order: index,
      sku: index,
      quantity: quantityArb,
      at: occurredAtArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('repeat' as const),
      event: fc.nat({ max: 30 }),
      rewrite: fc.boolean(),
      omitAt: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('conflict' as const), event: fc.nat({ max: 30 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.record({ kind: fc.constant('foreignOrder' as const), quantity: quantityArb }),
      fc.record({ kind: fc.constant('foreignSku' as const), order: index, quantity: quantityArb }),
      fc.record({ kind: fc.constant('tooFine' as const), order: index, sku: index }),
    ),
  },
);

// The edges of the month's end come up more often than the rest of the month.
const markArb = fc.constantFrom<Mark>(
  'beforeClose',
  'afterClose',
  'beforeBlackout',
  'blackoutStart',
  'inBlackout',
  'inBlackout',
  'lateBlackout',
  'lateBlackout',
  'lateBlackout',
  'afterBlackout',
  'afterBlackout',
  'nextMonth',
  'midMonth',
);

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      do: fc.constant('order' as const),
      skus: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 14,
    arbitrary: fc.record({
      do: fc.constant('usage' as const),
      // Mostly one event a request; a batch is stored all or nothing.
      events: fc.oneof(
        { weight: 4, arbitrary: fc.tuple(usageSpecArb) },
        { weight: 1, arbitrary: fc.array(usageSpecArb, { minLength: 2, maxLength: 3 }) },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      do: fc.constant('start' as const),
      order: index,
      sku: fc.option(index, { nil: null }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      do: fc.constant('terminate' as const),
      order: index,
      sku: fc.option(index, { nil: null }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ do: 'closeEarly' as const }) },
  {
    weight: 6,
    arbitrary: fc.record({
      do: fc.constant('advance' as const),
      to: fc.oneof(
        { weight: 3, arbitrary: markArb },
        { weight: 1, arbitrary: fc.record({ minutes: fc.integer({ min: 1, max: 600 }) }) },
      ),
      down: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      do: fc.constant('fault' as const),
      fault: fc.constantFrom<Fault>(
        'fail503',
        'fail429',
        'stall',
        'reject',
        'refuse',
        'cut',
        'lateAnswer',
      ),
      path: fc.constantFrom<FaultPath>(
        '/saas-usage/',
        '/saas-usage/',
        '/start-billing/',
        '/saas-usage/end',
        null,
      ),
      count: fc.integer({ min: 1, max: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ do: 'restart' as const }) },
  { weight: 1, arbitrary: fc.constant({ do: 'operator' as const }) },
);

/** A history: where it starts and its steps. */
export interface History {
  start: string;
  /** Orders made before the first step. */
  orders: number[];
  steps: Step[];
}

/** Random histories of up to `maxSteps` steps. */
export const historyArb = (maxSteps: number): fc.Arbitrary<History> =>
  fc.record({
    start: fc.constantFrom(...START_MONTHS),
    orders: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
    steps: fc.array(stepArb, { minLength: 1, maxLength: maxSteps, size: 'max' }),
  });
