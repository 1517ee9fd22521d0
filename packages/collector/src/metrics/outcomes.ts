/** What a beacon was: unknown when it could not be parsed (or was refused before parsing). */
export type BeaconKind = 'visit' | 'purchase' | 'unknown';

/**
 * What became of a beacon or an API purchase. `accepted` is stored (for a purchase: with a
 * new relay); `already_queued` is a stored purchase whose customer already had a relay;
 * `duplicate` is a beacon whose event id was stored before.
 */
export type IntakeOutcome =
  | 'accepted'
  | 'already_queued'
  | 'duplicate'
  | 'invalid'
  | 'unknown_key'
  | 'origin_refused'
  | 'unauthorized'
  | 'store_error';

/** What one relay attempt came to (the worker's decision). */
export type RelayOutcome = 'delivered' | 'retry' | 'dead' | 'unconfirmed';

// The series a scrape shows from the start, so rate() and alerts see zeros rather than
// gaps. Other combinations cannot happen (an unparsed beacon has no kind, an API call has
// no origin check or event id).
export const beaconSeries: readonly [BeaconKind, IntakeOutcome][] = [
  ['visit', 'accepted'],
  ['visit', 'duplicate'],
  ['visit', 'unknown_key'],
  ['visit', 'store_error'],
  ['purchase', 'accepted'],
  ['purchase', 'already_queued'],
  ['purchase', 'duplicate'],
  ['purchase', 'unknown_key'],
  ['purchase', 'store_error'],
  ['unknown', 'invalid'],
  ['unknown', 'origin_refused'],
];

export const apiPurchaseOutcomes: readonly IntakeOutcome[] = [
  'accepted',
  'already_queued',
  'invalid',
  'unknown_key',
  'unauthorized',
  'store_error',
];

export const relayOutcomes: readonly RelayOutcome[] = ['delivered', 'retry', 'dead', 'unconfirmed'];

/**
 * What became of a provisioning call: `created` (the provider's 2xx, stored), `repeat`
 * (answered from a stored or in-flight order), `refused` (the provider's 4xx), `failed`
 * (5xx, a timeout or no answer: 502), `invalid` and `unauthorized` (refused here).
 */
export type ProvisionOutcome =
  | 'created'
  | 'repeat'
  | 'refused'
  | 'failed'
  | 'invalid'
  | 'unauthorized';

export const provisionOutcomes: readonly ProvisionOutcome[] = [
  'created',
  'repeat',
  'refused',
  'failed',
  'invalid',
  'unauthorized',
];
