/** The provider key and service every bench beacon and relay uses. */
export const PARTNER_KEY = 'PK-bench';
export const SERVICE = 'bench-service';

/** A valid beacon, as the pixel sends it (a purchase for a customer of its own). */
export const beaconBody = (kind, id, time) =>
  JSON.stringify({
    v: 1,
    type: kind,
    id,
    key: PARTNER_KEY,
    service: SERVICE,
    ...(kind === 'purchase' && { customerId: `cust-${id}` }),
    ref: { id: 'R-bench', at: time - 60_000, utm: { source: 'marketplace' } },
    time,
  });
