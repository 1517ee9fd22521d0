import { describe, expect, it } from 'vitest';
import { postBeacon } from '../test-support/beacons.js';
import { captureLogger } from '../test-support/chain.js';
import { startTestCollector } from '../test-support/collector.js';
import { scrape } from '../test-support/prometheus.js';

const API = 'api-token-0123456789';
const ADMIN = 'admin-token-0123456789';
const NOW = Date.parse('2025-03-01T12:00:00Z');

async function collector(options: Parameters<typeof startTestCollector>[0] = {}) {
  const logger = captureLogger();
  const started = await startTestCollector({
    now: NOW,
    apiToken: API,
    adminToken: ADMIN,
    serviceName: 'acme-crm',
    partnerKeys: ['PK-1'],
    logger,
    ...options,
  });
  const call = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${started.url}/api/purchases`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${API}`,
        'content-type': 'application/json',
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  /** Nothing stored, nothing queued, the worker not woken. */
  const unchanged = async () => {
    expect(await started.store.countEvents()).toBe(0);
    expect(await started.store.listRelays()).toEqual([]);
    expect(started.relay.notified).toBe(0);
  };
  return { ...started, logger, call, unchanged };
}

const answer = async (res: Response) => [res.status, await res.json()];

describe('POST /api/purchases', () => {
  it('queues a relay for a new customer and wakes the worker', async () => {
    const { call, store, relay, logger } = await collector();
    const res = await call({ customerId: 'cust-42' });
    const [created] = await store.listRelays();
    expect(await answer(res)).toEqual([
      202,
      {
        status: 'queued',
        relayId: created?.id,
        relayStatus: 'pending',
        purchasedAt: '2025-03-01T12:00:00.000Z',
        source: 'api',
      },
    ]);
    expect(created).toMatchObject({
      status: 'pending',
      payload: {
        partnerKey: 'PK-1',
        serviceName: 'acme-crm',
        customerId: 'cust-42',
        purchasedAt: '2025-03-01T12:00:00.000Z',
      },
    });
    expect(relay.notified).toBe(1);
    expect(logger.lines.join('\n')).not.toContain('cust-42');
  });

  it('relays the purchase time the backend gives, in UTC', async () => {
    const { call, store } = await collector();
    const res = await call({ customerId: 'c', purchasedAt: '2025-03-01T08:15:30.5-03:00' });
    expect(res.status).toBe(202);
    const [created] = await store.listRelays();
    expect(created?.purchasedAt).toBe('2025-03-01T11:15:30.500Z');
    expect(created?.payload).toMatchObject({ purchasedAt: '2025-03-01T11:15:30.500Z' });
  });

  it('shares one relay per customer with the pixel beacons, taking over theirs', async () => {
    const { url, call, store, relay } = await collector();
    const beacon = await postBeacon(url, {
      id: 'evt_api_dedupe_1',
      customerId: 'cust-7',
      ref: undefined,
    });
    expect(beacon.status).toBe(204);
    const [fromBeacon] = await store.listRelays();
    expect(fromBeacon?.source).toBe('beacon');
    const reported = '2025-03-01T11:00:00.000Z';
    // The backend's report is authenticated: it replaces what a beacon queued.
    expect(await answer(await call({ customerId: 'cust-7', purchasedAt: reported }))).toEqual([
      202,
      {
        status: 'replaced',
        relayId: fromBeacon?.id,
        relayStatus: 'pending',
        purchasedAt: reported,
        source: 'api',
      },
    ]);
    // The first report's time stays, whatever a later one says.
    const existing = {
      status: 'already-queued',
      relayId: fromBeacon?.id,
      relayStatus: 'pending',
      purchasedAt: reported,
      source: 'api',
    };
    expect(await answer(await call({ customerId: 'cust-7' }))).toEqual([200, existing]);
    expect(
      await answer(await call({ customerId: 'cust-7', purchasedAt: '2025-02-01T00:00:00Z' })),
    ).toEqual([200, existing]);
    expect(await store.listRelays()).toHaveLength(1);
    expect(await store.countEventsByType()).toEqual({ visit: 0, purchase: 4 });
    expect(relay.notified).toBe(2);
  });

  it('dedupes a customer id the backend sends with invisible characters', async () => {
    const { call } = await collector();
    expect((await call({ customerId: 'cust-8' })).status).toBe(202);
    const [status, body] = await answer(await call({ customerId: '\u200bcust-8\u0000' }));
    expect([status, body.status]).toEqual([200, 'already-queued']);
  });

  it('keeps a purchase whose referral it cannot use, and says so', async () => {
    const { call, store, logger } = await collector();
    const [status, body] = await answer(
      await call({ customerId: 'cust-9', referral: { id: 'R-9', utm: { Source: 'secret-x' } } }),
    );
    expect(status).toBe(202);
    expect(body).toMatchObject({
      status: 'queued',
      referralDropped: expect.stringContaining('referral.utm'),
    });
    expect(await store.countEventsByType()).toEqual({ visit: 0, purchase: 1 });
    const log = logger.lines.join('\n');
    expect(log).toContain('referral dropped');
    expect(log).not.toContain('secret-x');
    expect(log).not.toContain('cust-9');
  });

  it.each([
    ['no Authorization header', undefined],
    ['a wrong token', 'Bearer api-token-0123456780'],
    ['the admin token', `Bearer ${ADMIN}`],
    ['basic auth', `Basic ${Buffer.from(`api:${API}`).toString('base64')}`],
  ])('answers 401 to %s and changes nothing', async (_name, authorization) => {
    const { url, unchanged } = await collector();
    const res = await fetch(`${url}/api/purchases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization && { authorization }) },
      body: JSON.stringify({ customerId: 'c' }),
    });
    expect(await answer(res)).toEqual([401, { error: 'API token required' }]);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    await unchanged();
  });

  it('is disabled while CLM_API_TOKEN is unset', async () => {
    const { call, unchanged } = await collector({ apiToken: null });
    expect(await answer(await call({ customerId: 'c' }))).toEqual([
      403,
      { error: 'API disabled: CLM_API_TOKEN is not set' },
    ]);
    await unchanged();
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['JSON in UTF-16', 'application/json; charset=utf-16'],
  ])('answers 415 to %s and changes nothing', async (_name, contentType) => {
    const { call, unchanged } = await collector();
    const res = await call(JSON.stringify({ customerId: 'c' }), { 'content-type': contentType });
    expect(await answer(res)).toEqual([
      415,
      { error: 'Content-Type must be application/json, in UTF-8' },
    ]);
    await unchanged();
  });

  it('answers 400 naming the missing body when there is none', async () => {
    const { url, unchanged } = await collector();
    const res = await fetch(`${url}/api/purchases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API}` },
    });
    expect(await answer(res)).toEqual([
      400,
      { error: 'body required: a JSON object with customerId' },
    ]);
    await unchanged();
  });

  it('answers 413 to a body over 8 KB and changes nothing', async () => {
    const { call, unchanged } = await collector();
    const res = await call({ customerId: 'c', referral: { id: 'x'.repeat(9000) } });
    expect(await answer(res)).toEqual([413, { error: 'body too large (at most 8192 bytes)' }]);
    await unchanged();
  });

  it.each([
    ['broken JSON', '{"customerId":', 'body is not valid JSON'],
    ['an unknown field', { customerId: 'c', amount: 5 }, 'Unrecognized key: "amount"'],
    ['no customer', { serviceName: 'acme-crm' }, 'customerId: is required'],
    ['a zoneless time', { customerId: 'c', purchasedAt: '2025-03-01 12:00' }, 'purchasedAt: must'],
    ['a future time', { customerId: 'c', purchasedAt: '2025-03-01T12:06:00Z' }, 'future'],
  ])('answers 400 to %s and changes nothing', async (_name, body, error) => {
    const { call, unchanged } = await collector();
    const [status, json] = await answer(await call(body));
    expect(status).toBe(400);
    expect(json.error).toContain(error);
    await unchanged();
  });

  it('names serviceName when neither the body nor CLM_SERVICE_NAME gives one', async () => {
    const { call, unchanged } = await collector({ serviceName: null });
    expect(await answer(await call({ customerId: 'c' }))).toEqual([
      400,
      { error: 'serviceName: is required (CLM_SERVICE_NAME is not set)' },
    ]);
    await unchanged();
  });

  it('needs a configured partnerKey when several are configured', async () => {
    const { call, store, unchanged } = await collector({ partnerKeys: ['PK-1', 'PK-2'] });
    expect(await answer(await call({ customerId: 'c' }))).toEqual([
      400,
      { error: 'partnerKey: is required when CLM_PARTNER_KEYS lists more than one key' },
    ]);
    expect(await answer(await call({ customerId: 'c', partnerKey: 'PK-3' }))).toEqual([
      403,
      { error: 'unknown provider key' },
    ]);
    await unchanged();
    expect((await call({ customerId: 'c', partnerKey: 'PK-2' })).status).toBe(202);
    expect((await store.listRelays())[0]?.partnerKey).toBe('PK-2');
  });

  it('answers 503 when the store fails', async () => {
    const { call, store } = await collector();
    await store.close();
    expect(await answer(await call({ customerId: 'c' }))).toEqual([
      503,
      { error: 'storage unavailable, retry later' },
    ]);
  });

  it('counts calls by outcome in /metrics', async () => {
    const { url, call } = await collector();
    await call({ customerId: 'c-1' });
    await call({ customerId: 'c-1' });
    await call({ customerId: 'c-2' }, { authorization: 'Bearer nope' });
    await call({ customerId: 'c-3', partnerKey: 'PK-9' });
    await call('{');
    const samples = await scrape(url, ADMIN);
    const api = (outcome: string) => samples.get(`clm_api_purchases_total{outcome="${outcome}"}`);
    expect([api('accepted'), api('already_queued'), api('unauthorized')]).toEqual([1, 1, 1]);
    expect([api('unknown_key'), api('invalid'), api('store_error')]).toEqual([1, 1, 0]);
  });
});
