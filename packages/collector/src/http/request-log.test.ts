import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createApp } from '../app.js';
import { createLogger, type LogLevel } from '../log.js';
import { openSqliteStore } from '../store/sqlite.js';
import { beaconJson } from '../test-support/beacons.js';
import { startTestCollector } from '../test-support/collector.js';
import { listen } from '../test-support/http.js';
import { tempDir } from '../test-support/tmp.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function capture(level: LogLevel) {
  let text = '';
  const logger = createLogger({
    level,
    format: 'json',
    destination: { write: (s) => (text += s) },
  });
  const records = () =>
    text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, text: () => text, records };
}

const purchase = (customerId: string, id: string) => beaconJson({ id, customerId, ref: null });

describe('request ids', () => {
  it.each(['abc-123', 'A.b_C-9', 'x'.repeat(64)])(
    'echoes a valid X-Request-Id (%s)',
    async (id) => {
      const { url } = await startTestCollector();
      const res = await fetch(`${url}/healthz`, { headers: { 'x-request-id': id } });
      expect(res.headers.get('x-request-id')).toBe(id);
    },
  );

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['too long', 'x'.repeat(65)],
    ['a space', 'abc 123'],
    ['markup', '<script>'],
    ['a list', 'a,b'],
  ])('generates a UUID when the incoming id is %s', async (_what, id) => {
    const { url } = await startTestCollector();
    const headers: Record<string, string> = id === undefined ? {} : { 'x-request-id': id };
    const first = (await fetch(`${url}/healthz`, { headers })).headers.get('x-request-id');
    const second = (await fetch(`${url}/healthz`, { headers })).headers.get('x-request-id');
    expect(first).toMatch(UUID);
    expect(second).toMatch(UUID);
    expect(second).not.toBe(first);
  });

  it('sends the id on refusals and unknown paths too', async () => {
    const { url } = await startTestCollector();
    const refused = await fetch(`${url}/beacon`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<x/>',
    });
    expect(refused.status).toBe(415);
    expect(refused.headers.get('x-request-id')).toMatch(UUID);
    const missing = await fetch(`${url}/nope`, { headers: { 'x-request-id': 'r-404' } });
    expect(missing.headers.get('x-request-id')).toBe('r-404');
  });
});

describe('request logging', () => {
  it('logs nothing for 2xx and 4xx answers at level info', async () => {
    const log = capture('info');
    const { url } = await startTestCollector({ logger: log.logger });
    const ok = await fetch(`${url}/beacon`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: purchase('cust-quiet', 'evt_rl_00001'),
    });
    expect(ok.status).toBe(204);
    expect((await fetch(`${url}/beacon`, { method: 'POST', body: '{}' })).status).toBe(400);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(log.records().filter((record) => record.component === 'http')).toEqual([]);
  });

  it('at debug logs id, method, path, status and time, and nothing of the query or headers', async () => {
    const log = capture('debug');
    const { url } = await startTestCollector({ logger: log.logger });
    // What an old pixel's image fallback sent: the beacon in the query (now answered 410).
    const query = new URLSearchParams({ d: purchase('cust-dana-7781', 'evt_rl_00002') });
    const res = await fetch(`${url}/beacon?${query}`, {
      headers: {
        'x-request-id': 'req-debug-1',
        authorization: 'Bearer admin-token-not-for-logs',
        cookie: 'session=cookie-not-for-logs',
      },
    });
    expect(res.status).toBe(410);
    const lines = log.records().filter((record) => record.component === 'http');
    expect(lines).toEqual([
      {
        level: 20,
        time: expect.any(String),
        component: 'http',
        reqId: 'req-debug-1',
        method: 'GET',
        path: '/beacon',
        status: 410,
        responseTime: expect.any(Number),
        msg: expect.stringMatching(/^GET \/beacon 410 \d+ms$/),
      },
    ]);
    for (const secret of ['d=', 'cust-dana-7781', 'PK-1', 'admin-token', 'cookie-not', 'Bearer'])
      expect(log.text()).not.toContain(secret);
  });

  it('logs a 5xx at error with the request id, beside the error it came from', async () => {
    const log = capture('info');
    const store = await openSqliteStore({ path: join(tempDir(), 'c.sqlite'), logger: log.logger });
    onTestFinished(() => store.close());
    const app = createApp({
      store,
      clock: {
        now: () => {
          throw new Error('clock unavailable');
        },
      },
      logger: log.logger,
      config: { partnerKeys: ['PK-1'], allowedOrigins: [] },
      pixelScript: null,
    });
    const url = await listen(app);
    const res = await fetch(`${url}/beacon`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-request-id': 'req-broken-1' },
      body: purchase('cust-erin-5511', 'evt_rl_00003'),
    });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-request-id')).toBe('req-broken-1');
    const failures = log.records().filter((record) => record.level === 50);
    expect(failures).toEqual([
      expect.objectContaining({
        component: 'collector',
        reqId: 'req-broken-1',
        msg: 'POST /beacon failed: Error: clock unavailable',
      }),
      expect.objectContaining({
        component: 'http',
        reqId: 'req-broken-1',
        method: 'POST',
        path: '/beacon',
        status: 500,
      }),
    ]);
    expect(log.text()).not.toContain('cust-erin-5511');
  });
});
