import autocannon from 'autocannon';
import { PARTNER_KEY, SERVICE } from './seed.mjs';

/** The page origin the bench's beacons claim, allowed in the collector's config. */
export const SHOP_ORIGIN = 'http://shop.bench.test';

/** A valid purchase beacon, as the pixel sends it, for a customer of its own. */
export const purchaseBeacon = (id, time) =>
  JSON.stringify({
    v: 1,
    type: 'purchase',
    id,
    key: PARTNER_KEY,
    service: SERVICE,
    customerId: `cust-${id}`,
    ref: { id: 'R-bench', at: time - 60_000, utm: { source: 'marketplace' } },
    time,
  });

/**
 * Sends purchase beacons with distinct ids and customers to `${url}/beacon` and returns
 * autocannon's figures plus the id of every beacon that got a 2xx. One request at a time per
 * connection, so a connection's context always belongs to the answer it receives.
 */
export async function loadBeacons(url, { tag, connections, duration, amount, overallRate }) {
  let next = 0;
  const accepted = [];
  const statuses = {};
  const time = Date.now();
  const result = await autocannon({
    url: `${url}/beacon`,
    connections,
    pipelining: 1,
    timeout: 10,
    ...(amount ? { amount } : { duration }),
    ...(overallRate && { overallRate }),
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'text/plain;charset=UTF-8', origin: SHOP_ORIGIN },
        setupRequest(request, context) {
          const id = `${tag}_${String(next++).padStart(8, '0')}`;
          context.id = id;
          return { ...request, body: purchaseBeacon(id, time) };
        },
        onResponse(status, _body, context) {
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status >= 200 && status < 300) accepted.push(context.id);
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    accepted,
    statuses,
  };
}
