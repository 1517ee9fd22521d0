// The beacon wire format (version 1, checked by tracking/beacon-schema.ts) written once for
// every test, unit and e2e alike: this file imports nothing, so e2e can import it by path.

/** What a test may set on a beacon; any other field is sent as given (to test refusals). */
export interface BeaconFields {
  type?: 'visit' | 'purchase' | (string & {}) | undefined;
  id?: string | undefined;
  key?: string | undefined;
  service?: string | undefined;
  customerId?: string | undefined;
  ref?: unknown;
  time?: number | undefined;
  [field: string]: unknown;
}

// Ids differ between test processes too: e2e workers may share one database.
const run = Math.random().toString(36).slice(2, 8).padEnd(6, '0');
let seq = 0;

/** A beacon id unique in this test run: 8-64 characters of A-Z a-z 0-9 _ -. */
export const beaconId = (prefix = 'evt'): string =>
  `${prefix}_${run}_${String(++seq).padStart(6, '0')}`;

/**
 * A beacon as the pixel sends it: by default a purchase by `cust-1` of PK-1's `acme-crm`,
 * with a referral and a fresh id; a visit carries no customer id. A field given as
 * `undefined` is left out of the JSON.
 */
export function beacon(fields: BeaconFields = {}): Record<string, unknown> {
  const type = fields.type ?? 'purchase';
  return {
    v: 1,
    type,
    id: beaconId(),
    key: 'PK-1',
    service: 'acme-crm',
    ...(type === 'purchase' && { customerId: 'cust-1' }),
    ref: { id: 'r-1', at: 1 },
    time: 1,
    ...fields,
  };
}

/** {@link beacon} as the JSON text the pixel posts. */
export const beaconJson = (fields: BeaconFields = {}): string => JSON.stringify(beacon(fields));

/**
 * Posts a beacon body to a collector's `/beacon` as the pixel does (text/plain, so no CORS
 * preflight); `body` is sent as is when a string, else as JSON.
 */
export const postBeacon = (
  url: string,
  body: string | BeaconFields,
  headers: Record<string, string> = {},
): Promise<Response> =>
  fetch(`${url}/beacon`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', ...headers },
    body: typeof body === 'string' ? body : beaconJson(body),
  });
