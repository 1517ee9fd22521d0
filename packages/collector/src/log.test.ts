import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { createLogger, fingerprint, type LogFormat, type LogLevel } from './log.js';
import { createSandboxApp } from './sandbox/app.js';
import { startCollector } from './serve.js';
import { beaconJson } from './test-support/beacons.js';
import { listen, postJson, waitFor } from './test-support/http.js';
import { tempDir } from './test-support/tmp.js';

function capture(level: LogLevel, format: LogFormat = 'json') {
  const out = { text: '' };
  const logger = createLogger({ level, format, destination: { write: (s) => (out.text += s) } });
  const lines = () => out.text.split('\n').filter((line) => line !== '');
  const records = () => lines().map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, out, lines, records };
}

describe('createLogger (json)', () => {
  it('writes one JSON object per line with level, time, component and msg', () => {
    const { logger, records } = capture('info');
    logger.info('collector', 'listening on http://127.0.0.1:1');
    logger.warn('relay', 'retrying', { attempt: 2 });
    logger.error('store', 'disk full');
    const [info, warn, error] = records();
    expect(info).toEqual({
      level: 30,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      component: 'collector',
      msg: 'listening on http://127.0.0.1:1',
    });
    expect(warn).toMatchObject({ level: 40, component: 'relay', msg: 'retrying', attempt: 2 });
    expect(error).toMatchObject({ level: 50, component: 'store', msg: 'disk full' });
    expect(records()).toHaveLength(3);
  });

  it.each([
    ['silent', []],
    ['error', ['e']],
    ['warn', ['w', 'e']],
    ['info', ['i', 'w', 'e']],
    ['debug', ['d', 'i', 'w', 'e']],
  ] as const)('at level %s writes %j', (level, expected) => {
    const { logger, records } = capture(level);
    logger.debug('collector', 'd');
    logger.info('collector', 'i');
    logger.warn('collector', 'w');
    logger.error('collector', 'e');
    expect(records().map((record) => record.msg)).toEqual(expected);
  });

  it('keeps a message with newlines or control characters on one line', () => {
    for (const format of ['json', 'pretty'] as const) {
      const { logger, lines } = capture('info', format);
      logger.warn('collector', 'beacon evt_1\nERROR forged line\r\n\u001b[31mred\u2028end');
      expect(lines()).toHaveLength(1);
      expect(lines()[0]).toContain('beacon evt_1 ERROR forged line [31mred end');
    }
  });
});

describe('createLogger (pretty)', () => {
  it('prints time, level, [component] and the message, one line each, uncoloured', () => {
    const { logger, lines } = capture('debug', 'pretty');
    logger.info('collector', 'listening on http://127.0.0.1:1');
    logger.debug('http', 'GET /healthz 200 1ms', { reqId: 'abc-1', method: 'GET', status: 200 });
    logger.error('relay', 'dead-lettered relay 1', { attempt: 3 });
    expect(lines()).toEqual([
      expect.stringMatching(
        /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[collector\] listening on http:\/\/127\.0\.0\.1:1$/,
      ),
      expect.stringMatching(/ DEBUG: \[http\] GET \/healthz 200 1ms \(request abc-1\)$/),
      expect.stringMatching(/ ERROR: \[relay\] dead-lettered relay 1 \{"attempt":3\}$/),
    ]);
  });

  it('colours only when asked (a terminal)', () => {
    let text = '';
    const logger = createLogger({
      level: 'info',
      format: 'pretty',
      colorize: true,
      destination: { write: (s) => (text += s) },
    });
    logger.info('collector', 'hello');
    expect(text).toContain('\u001b[');
    const plain = capture('info', 'pretty');
    plain.logger.info('collector', 'hello');
    expect(plain.out.text).not.toContain('\u001b[');
  });
});

describe('fingerprint', () => {
  it('is a stable 10-hex-digit digest that does not reveal the value', () => {
    expect(fingerprint('cust-alice@example.com')).toMatch(/^[0-9a-f]{10}$/);
    expect(fingerprint('cust-alice@example.com')).toBe(fingerprint('cust-alice@example.com'));
    expect(fingerprint('cust-alice@example.com')).not.toBe(fingerprint('cust-alice@example.co'));
    expect(fingerprint('PK-1')).not.toContain('PK');
  });
});

const KEY = 'PK-secret-7f3a9c';
const TOKEN = 'admin-token-must-not-leak-0123';
const CUSTOMERS = ['cust-alice@example.com', 'cust-bob-4242', 'cust-carol-rejected'];

describe('logs', () => {
  it.each(['json', 'pretty'] as const)(
    'never print provider keys, the admin token or raw customer ids (%s, debug)',
    async (format) => {
      const onramp = await listen(createSandboxApp());
      const { logger, out } = capture('debug', format);
      const collector = await startCollector({
        config: loadConfig({
          ONRAMP_BASE_URL: onramp,
          CLM_PARTNER_KEYS: KEY,
          CLM_ADMIN_TOKEN: TOKEN,
          HOST: '127.0.0.1',
          PORT: '0',
          CLM_DB: join(tempDir(), 'c.sqlite'),
          CLM_RELAY_BACKOFF_BASE_MS: '10',
        }),
        logger,
        pixelScript: null,
      });
      const body = (customerId: string, id: string) =>
        beaconJson({ id, key: KEY, customerId, ref: null });
      const headers = { authorization: `Bearer ${TOKEN}`, cookie: `session=${TOKEN}` };
      const send = (customerId: string, id: string) =>
        fetch(`${collector.url}/beacon`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain', ...headers },
          body: body(customerId, id),
        });
      // Delivered, repeated, already relayed, then dead-lettered: every log path of a purchase.
      expect((await send(CUSTOMERS[0] as string, 'evt_log_00001')).status).toBe(204);
      expect((await send(CUSTOMERS[0] as string, 'evt_log_00001')).status).toBe(204);
      expect((await send(CUSTOMERS[1] as string, 'evt_log_00002')).status).toBe(204);
      expect((await send(CUSTOMERS[1] as string, 'evt_log_00003')).status).toBe(204);
      // An old pixel's image fallback carried the beacon in its query string (now 410).
      const query = new URLSearchParams({ d: body(CUSTOMERS[1] as string, 'evt_log_00005') });
      expect((await fetch(`${collector.url}/beacon?${query}`, { headers })).status).toBe(410);
      await waitFor(() => (out.text.match(/delivered saas_tracking/g) ?? []).length === 2);
      await postJson(`${onramp}/_sandbox/mode`, { mode: 'reject' });
      expect((await send(CUSTOMERS[2] as string, 'evt_log_00004')).status).toBe(204);
      await waitFor(() => out.text.includes('dead-lettered'));
      await collector.close();

      expect(out.text).toContain(`customer ${fingerprint(CUSTOMERS[0] as string)}`);
      expect(out.text).toContain('GET /beacon 410');
      for (const secret of [KEY, TOKEN, ...CUSTOMERS]) expect(out.text).not.toContain(secret);
    },
  );
});
