import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { createConsoleLogger, fingerprint } from './log.js';
import { createSandboxApp } from './sandbox/app.js';
import { startCollector } from './serve.js';
import { listen, postJson, waitFor } from './test-support/http.js';
import { tempDir } from './test-support/tmp.js';

const KEY = 'PK-secret-7f3a9c';
const TOKEN = 'admin-token-must-not-leak-0123';
const CUSTOMERS = ['cust-alice@example.com', 'cust-bob-4242', 'cust-carol-rejected'];

describe('logs', () => {
  it('never print provider keys, the admin token or raw customer ids', async () => {
    const onramp = await listen(createSandboxApp());
    let text = '';
    const sink = { write: (chunk: string) => (text += chunk) };
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
      logger: createConsoleLogger(sink, sink),
      pixelScript: null,
    });
    const send = (customerId: string, id: string) =>
      fetch(`${collector.url}/beacon`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({
          v: 1,
          type: 'purchase',
          id,
          key: KEY,
          service: 'acme-crm',
          customerId,
          ref: null,
          time: 1,
        }),
      });
    // Delivered, repeated, already relayed, then dead-lettered: every log path of a purchase.
    expect((await send(CUSTOMERS[0] as string, 'evt_log_00001')).status).toBe(204);
    expect((await send(CUSTOMERS[0] as string, 'evt_log_00001')).status).toBe(204);
    expect((await send(CUSTOMERS[1] as string, 'evt_log_00002')).status).toBe(204);
    expect((await send(CUSTOMERS[1] as string, 'evt_log_00003')).status).toBe(204);
    await waitFor(() => (text.match(/delivered saas_tracking/g) ?? []).length === 2);
    await postJson(`${onramp}/_sandbox/mode`, { mode: 'reject' });
    expect((await send(CUSTOMERS[2] as string, 'evt_log_00004')).status).toBe(204);
    await waitFor(() => text.includes('dead-lettered'));
    await collector.close();

    expect(text).toContain(`customer ${fingerprint(CUSTOMERS[0] as string)}`);
    for (const secret of [KEY, TOKEN, ...CUSTOMERS]) expect(text).not.toContain(secret);
  });
});
