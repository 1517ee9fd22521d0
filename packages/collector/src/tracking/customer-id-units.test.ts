import { describe, expect, it } from 'vitest';
import type { CliIo } from '../cli/io.js';
import { runTrack } from '../cli/track.js';
import { beacon } from '../test-support/beacons.js';
import { onrampStub } from '../test-support/onramp-stub.js';
import { checkBeacon } from './beacon-check.js';
import { parseBeacon, parseWithSchema } from './beacon-schema.js';
import { parsePurchaseRequest } from './purchase-request.js';

// A customer id's limit is 256 UTF-16 code units, as documented and as the pixel counts:
// 128 emoji are 256 units, 200 emoji are 400 (though 200 code points).
const FITS = '😀'.repeat(128);
const TOO_LONG = '😀'.repeat(200);

const purchaseBeacon = (customerId: string) =>
  beacon({ customerId, ref: null, time: 1_700_000_000_500 });

const NOW = Date.parse('2025-03-01T12:00:00Z');
const purchase = (customerId: string) =>
  parsePurchaseRequest(JSON.stringify({ customerId }), {
    partnerKeys: ['PK-1'],
    serviceName: 'acme-crm',
    now: NOW,
  });

async function trackIo() {
  const onramp = await onrampStub({ status: 200, body: '{}' });
  const io: CliIo = {
    env: { ONRAMP_BASE_URL: onramp.url },
    stdout: { write: () => true },
    stderr: { write: () => true },
  };
  return { io, sent: onramp.received };
}
const track = (customerId: string, io: CliIo) =>
  runTrack(
    { partnerKey: 'PK-1', serviceName: 'acme-crm', customerId, purchasedAt: undefined },
    { timeoutMs: 1000, force: true },
    io,
  );

describe('a customer id is at most 256 UTF-16 code units everywhere', () => {
  it('on a beacon, by the fast check and by the schema', () => {
    expect(checkBeacon(purchaseBeacon(FITS))?.beacon.customerId).toBe(FITS);
    expect(checkBeacon(purchaseBeacon(TOO_LONG))).toBeUndefined();
    expect(parseWithSchema(purchaseBeacon(FITS))).toMatchObject({ ok: true });
    const refused = { ok: false, error: 'customerId: must be at most 256 UTF-16 code units' };
    expect(parseWithSchema(purchaseBeacon(TOO_LONG))).toEqual(refused);
    expect(parseBeacon(JSON.stringify(purchaseBeacon(FITS)))).toMatchObject({ ok: true });
    expect(parseBeacon(JSON.stringify(purchaseBeacon(TOO_LONG)))).toEqual(refused);
  });

  it('on POST /api/purchases', () => {
    expect(purchase(FITS)).toMatchObject({ ok: true, purchase: { customerId: FITS } });
    expect(purchase(TOO_LONG)).toMatchObject({
      ok: false,
      error: expect.stringContaining('at most 256 UTF-16 code units'),
    });
  });

  it('on clm-collector track, before anything is sent', async () => {
    const refused = await trackIo();
    await expect(track(TOO_LONG, refused.io)).rejects.toThrow(/at most 256 UTF-16 code units/);
    expect(refused.sent).toEqual([]);
    const accepted = await trackIo();
    expect(await track(FITS, accepted.io)).toBe(0);
    expect(JSON.parse(accepted.sent[0] ?? '{}')).toMatchObject({ customerId: FITS });
  });
});
