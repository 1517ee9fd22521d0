// The fallback load generator when wrk is not installed: autocannon, in this process of
// its own (never the server's), writing the same figures and id list as beacons.lua.
//   node autocannon-child.mjs '{"url":…,"tag":…,"kind":…,"connections":…,"duration":…,"out":…}'
import { writeFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { beaconBody } from './beacon-body.mjs';

const { url, tag, kind, connections, duration, amount, overallRate, origin, out } = JSON.parse(
  process.argv[2],
);
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
      setupRequest(request, context) {
        const id = `${tag}_${String(next++).padStart(8, '0')}`;
        context.id = id;
        return {
          ...request,
          headers: {
            'content-type': 'text/plain;charset=UTF-8',
            origin,
            'x-request-id': id,
          },
          body: beaconBody(kind, id, time),
        };
      },
      onResponse(status, _body, context) {
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status >= 200 && status < 300) accepted.push(context.id);
      },
    },
  ],
});
const completed = Object.values(statuses).reduce((sum, n) => sum + n, 0);
writeFileSync(`${out}.ids`, accepted.map((id) => `${id}\n`).join(''));
writeFileSync(
  out,
  JSON.stringify({
    requests: completed,
    durationUs: Math.round(result.duration * 1e6),
    p50Us: result.latency.p50 * 1000,
    p90Us: result.latency.p90 * 1000,
    p99Us: result.latency.p99 * 1000,
    maxUs: result.latency.max * 1000,
    acknowledged: accepted.length,
    errors: { connect: 0, read: result.errors, write: 0, status: 0, timeout: result.timeouts },
    statuses,
  }),
);
process.exit(0);
